package dev.ferry.engine.notify;

import dev.ferry.api.NotifyCmdLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job's notification command line (BITS SetNotifyCmdLine) as the job's owner. The program
 * gets the parameters as its arguments and the job in its environment; its output is discarded, and
 * nobody waits for it.
 */
public final class CommandLineNotifier {
  private static final Logger log = LoggerFactory.getLogger(CommandLineNotifier.class);

  private final long processUid;

  public CommandLineNotifier(long processUid) {
    this.processUid = processUid;
  }

  public void run(
      NotifyCmdLine commandLine, UUID jobId, String state, long ownerUid, String ownerName) {
    List<String> command = new ArrayList<>();
    if (ownerUid != processUid) {
      if (processUid != 0) {
        log.atWarn()
            .addKeyValue("job", jobId)
            .addKeyValue("owner", ownerUid)
            .log("not running the job's notification command: the job is another user's");
        return;
      }
      // A system daemon runs the owner's program with the owner's rights, never its own.
      command.addAll(List.of("runuser", "-u", ownerName, "--"));
    }
    command.add(commandLine.program());
    command.addAll(split(commandLine.parameters()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("FERRY_JOB_ID", jobId.toString());
    builder.environment().put("FERRY_JOB_STATE", state);
    Thread.ofVirtual()
        .name("ferry-notify-command-" + jobId)
        .start(() -> {
          try {
            int exit = builder.start().waitFor();
            log.atDebug()
                .addKeyValue("job", jobId)
                .addKeyValue("exit", exit)
                .log("the job's notification command ended");
          } catch (IOException e) {
            log.atWarn()
                .addKeyValue("job", jobId)
                .log("could not run the job's notification command: {}", e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /**
   * Splits an argument string like a shell: whitespace separates, quotes group, backslash escapes.
   */
  static List<String> split(String parameters) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < parameters.length(); i++) {
      char c = parameters.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < parameters.length()) {
          word.append(parameters.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < parameters.length()) {
        word.append(parameters.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
