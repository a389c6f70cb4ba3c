package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import picocli.CommandLine.Parameters;

/** A verb about one job, named by its first argument. */
abstract class JobVerb extends Verb {
  @Parameters(index = "0", paramLabel = "JOB", description = "the job's id or display name")
  String jobReference;

  @Override
  final int run(Session session) throws Exception {
    return run(session, session.job(jobReference));
  }

  abstract int run(Session session, BackgroundCopyJob job) throws Exception;
}
