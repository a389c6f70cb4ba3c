package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.rest.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every verb shares: the global options of {@link FerryCommand}, a {@link Session} opened for
 * the verb and closed after it, and output helpers. Usage checks go in {@link #validate()}, which
 * runs before any manager is opened.
 */
abstract class Verb implements Callable<Integer> {
  @ParentCommand FerryCommand ferry;
  @Spec CommandSpec spec;
  private Foreground foreground;

  @Override
  public final Integer call() throws Exception {
    validate();
    try {
      try (Session session = ferry.session(sharesEngine(), this::wire)) {
        return run(session);
      }
    } finally {
      // Only once the session is closed (transfers checkpointed) may an interrupted JVM exit.
      if (foreground != null) {
        foreground.release();
      }
    }
  }

  /**
   * Whether this verb runs for a while, and so shares the embedded engine with other commands while
   * it holds it ({@link EmbeddedHost}).
   */
  boolean sharesEngine() {
    return false;
  }

  /**
   * What this verb adds to the embedded engine's configuration, should it open one (peers for a
   * download that asks them); nothing by default.
   */
  dev.ferry.engine.EngineConfig wire(dev.ferry.engine.EngineConfig config) {
    return config;
  }

  /** Checks the arguments; throw {@link #usage(String)} for a wrong command line. */
  void validate() {}

  abstract int run(Session session) throws Exception;

  /** Watches for Ctrl+C from now on; {@code onInterrupt} runs first, in the shutdown hook. */
  final Foreground foreground(Runnable onInterrupt) {
    foreground = Foreground.enter(onInterrupt);
    return foreground;
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  final CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** Whether to print JSON: this verb's {@code --json}, or {@code ferry --json VERB}. */
  final boolean json(JsonOption option) {
    return option.json || ferry.json;
  }

  /** Prints {@code value} (a record of the local API, a list of them, or a plain value). */
  final void printJson(Object value, boolean pretty) {
    try {
      var mapper = Json.mapper();
      out()
          .println(
              pretty
                  ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value)
                  : mapper.writeValueAsString(value));
      out().flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }

  /** The {@code --json} option of the read verbs. */
  static final class JsonOption {
    @CommandLine.Option(
        names = "--json",
        description = "print JSON (the records of ferryd's local API) instead of text")
    boolean json;
  }
}
