package dev.ferry.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/** The command list of {@code ferry --help}, in groups: sixty verbs in one list are unreadable. */
final class VerbList implements CommandLine.IHelpSectionRenderer {
  private final Map<String, List<String>> groups;

  VerbList(Map<String, List<String>> groups) {
    this.groups = groups;
  }

  @Override
  public String render(CommandLine.Help help) {
    Map<String, CommandLine.Help> verbs = help.subcommands();
    int nameWidth = 0;
    for (String name : verbs.keySet()) {
      nameWidth = Math.max(nameWidth, name.length());
    }
    nameWidth = Math.min(nameWidth + 4, 26);
    int width = help.commandSpec().usageMessage().width();
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, List<String>> group : groups.entrySet()) {
      text.append(group.getKey()).append(":\n");
      TextTable table =
          TextTable.forColumns(
              help.colorScheme(),
              new Column(nameWidth, 2, Column.Overflow.SPAN),
              new Column(Math.max(20, width - nameWidth), 1, Column.Overflow.WRAP));
      for (String name : group.getValue()) {
        CommandLine.Help verb = verbs.get(name);
        if (verb == null) {
          continue;
        }
        String[] description = verb.commandSpec().usageMessage().description();
        table.addRowValues(name, description.length > 0 ? description[0] : "");
      }
      text.append(table).append('\n');
    }
    return text.toString();
  }
}
