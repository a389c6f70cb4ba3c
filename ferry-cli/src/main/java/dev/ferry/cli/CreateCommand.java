package dev.ferry.cli;

import dev.ferry.api.JobType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code create NAME}: a new, SUSPENDED job; prints only its id, for {@code job=$(ferry create x)}.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a job (SUSPENDED until resumed) and print its id.")
final class CreateCommand extends Verb {
  @Parameters(paramLabel = "NAME", description = "the job's display name")
  String name;

  @ArgGroup(exclusive = true)
  Kind kind;

  static final class Kind {
    @Option(names = "--download", description = "a download job (the default)")
    boolean download;

    @Option(names = "--upload", description = "an upload job (not supported yet: E_NOTIMPL)")
    boolean upload;

    @Option(
        names = "--upload-reply",
        description = "an upload-reply job (not supported yet: E_NOTIMPL)")
    boolean uploadReply;

    JobType type() {
      return upload ? JobType.UPLOAD : uploadReply ? JobType.UPLOAD_REPLY : JobType.DOWNLOAD;
    }
  }

  @Override
  int run(Session session) {
    JobType type = kind == null ? JobType.DOWNLOAD : kind.type();
    out().println(session.manager().createJob(name, type).id());
    return ExitCodes.OK;
  }
}
