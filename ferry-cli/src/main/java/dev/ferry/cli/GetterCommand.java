package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One of the getters ({@code getstate}, {@code getbytestotal}…): prints one value of a job. */
@Command(mixinStandardHelpOptions = true)
final class GetterCommand extends JobVerb {
  @Mixin JsonOption jsonOption;

  private final Getter getter;

  GetterCommand(Getter getter) {
    this.getter = getter;
  }

  static CommandLine line(Getter getter) {
    CommandLine line = new CommandLine(new GetterCommand(getter));
    line.getCommandSpec().name(getter.verb);
    line.getCommandSpec().usageMessage().description(getter.description);
    return line;
  }

  @Override
  int run(Session session, BackgroundCopyJob job) {
    Object value = getter.value(job);
    if (json(jsonOption)) {
      printJson(value, true);
    } else {
      out().println(getter.text(job, value));
    }
    return ExitCodes.OK;
  }
}
