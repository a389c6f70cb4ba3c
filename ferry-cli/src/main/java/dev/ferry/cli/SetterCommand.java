package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One of the setters ({@code setpriority}, {@code setdescription}…), built from its {@link Setter}.
 */
@Command(mixinStandardHelpOptions = true)
final class SetterCommand extends JobVerb {
  private final Setter setter;
  private final List<PositionalParamSpec> params = new ArrayList<>();

  private SetterCommand(Setter setter) {
    this.setter = setter;
  }

  static CommandLine line(Setter setter) {
    SetterCommand command = new SetterCommand(setter);
    CommandLine line = new CommandLine(command);
    var spec = line.getCommandSpec();
    spec.name(setter.verb);
    spec.usageMessage().description(setter.description);
    int index = 1;
    for (Setter.Param param : setter.params) {
      PositionalParamSpec.Builder builder =
          PositionalParamSpec.builder()
              .index(param.many() ? index + "..*" : Integer.toString(index))
              .arity(param.many() ? "1..*" : param.optional() ? "0..1" : "1")
              .paramLabel(param.label())
              .description(param.description());
      if (param.many()) {
        builder.type(List.class).auxiliaryTypes(param.type());
      } else {
        builder.type(param.type());
      }
      if (param.converter() != null) {
        builder.converters(param.converter());
      }
      PositionalParamSpec built = builder.build();
      spec.addPositional(built);
      command.params.add(built);
      index++;
    }
    return line;
  }

  @Override
  int run(Session session, BackgroundCopyJob job) {
    List<Object> values = new ArrayList<>();
    for (PositionalParamSpec param : params) {
      values.add(param.getValue());
    }
    out().println(setter.apply(job, new Setter.Args(values)));
    return ExitCodes.OK;
  }
}
