package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyFlag;
import dev.ferry.engine.transfer.FileState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Jobs and files coming in: the limits per user and per machine, the checks of names, URLs and
 * ranges, and their first record in the store.
 */
final class JobIntake {
  private final JobEngine engine;

  JobIntake(JobEngine engine) {
    this.engine = engine;
  }

  /** A file to add, already validated except against the job's own state. */
  record NewFile(
      String remoteUrl, String localName, List<FileRange> ranges, FileExtension extension) {
    NewFile(String remoteUrl, String localName, List<FileRange> ranges) {
      this(remoteUrl, localName, ranges, FileExtension.NONE);
    }
  }

  Job create(
      JobOwner caller,
      String displayName,
      JobType type,
      JobKind kind,
      java.util.function.Consumer<JobSettings> setup) {
    Validation.displayName(displayName, HResult.E_INVALIDARG);
    if (type == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a job type is required");
    }
    if (type != JobType.DOWNLOAD) {
      throw new FerryException(
          HResult.E_NOTIMPL,
          "Ferry engine.transfers download engine.jobs only; "
              + type
              + " engine.jobs are not supported yet");
    }
    engine.lock.lock();
    try {
      engine.ensureOpen();
      if (!caller.isAdministrator()) {
        long own = engine.jobs.values().stream().filter(j -> j.owner.uid() == caller.uid()).count();
        if (own >= engine.config.maxJobsPerUser()) {
          throw new FerryException(
              HResult.BG_E_TOO_MANY_JOBS_PER_USER, "the user already has " + own + " engine.jobs");
        }
        if (engine.jobs.size() >= engine.config.maxJobsPerMachine()) {
          throw new FerryException(
              HResult.BG_E_TOO_MANY_JOBS_PER_MACHINE,
              "the machine already has " + engine.jobs.size() + " engine.jobs");
        }
      }
      UUID id = UUID.randomUUID();
      Job job =
          new Job(
              id,
              engine.nextSequence++,
              type,
              caller,
              displayName,
              engine.clock.millis(),
              engine.notifications.newNotifier(id),
              engine.clock);
      job.notifyFlags = NotifyFlag.toMask(NotifyFlag.DEFAULT);
      job.costFlags = dev.ferry.api.CostFlags.TRANSFER_ALWAYS;
      job.kind = kind;
      setup.accept(JobRef.settingsOf(job));
      engine.records.write(job, () -> engine.store.insertJob(job.toRow()));
      engine.jobs.put(id, job);
      engine.records.publish(job, JobEvent.Kind.CREATED, -1);
      return job;
    } finally {
      engine.lock.unlock();
    }
  }

  List<JobFile> addFiles(JobOwner caller, Job job, List<NewFile> newFiles) {
    if (newFiles == null || newFiles.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "no engine.files given");
    }
    List<Path> paths = new ArrayList<>();
    for (NewFile f : newFiles) {
      Validation.remoteUrl(f.remoteUrl(), engine.config, engine::claimsUrl);
      paths.add(Validation.localPath(f.localName(), engine.config));
      if (f.ranges() != null) {
        Validation.ranges(f.ranges(), engine.config.maxRangesPerFile(), caller.isAdministrator());
      }
    }
    engine.lock.lock();
    try {
      engine.checkMutable(caller, job);
      if (job.type != JobType.DOWNLOAD) {
        throw new FerryException(
            HResult.BG_E_TOO_MANY_FILES, "upload engine.jobs take exactly one file");
      }
      if (!caller.isAdministrator()
          && job.files.size() + newFiles.size() > engine.config.maxFilesPerJob()) {
        throw new FerryException(
            HResult.BG_E_TOO_MANY_FILES_IN_JOB,
            "a job may have at most " + engine.config.maxFilesPerJob() + " engine.files");
      }
      Set<Path> taken = new HashSet<>();
      for (JobFile existing : job.files) {
        taken.add(existing.localPath);
      }
      List<JobFile> added = new ArrayList<>();
      for (int i = 0; i < newFiles.size(); i++) {
        NewFile f = newFiles.get(i);
        Path local = paths.get(i);
        if (!taken.add(local)) {
          throw new FerryException(HResult.E_INVALIDARG, "the job already writes " + local);
        }
        List<FileRange> ranges = f.ranges() == null ? List.of() : f.ranges();
        if (!ranges.isEmpty() && (job.dynamicContent || job.onDemand)) {
          throw new FerryException(
              HResult.BG_E_UNSUPPORTED_JOB_CONFIGURATION,
              "file ranges cannot be combined with DYNAMIC_CONTENT or ON_DEMAND_MODE");
        }
        int index = job.files.size() + i;
        Path temp = JobFile.tempPathFor(local, job.id, index);
        JobFile file =
            new JobFile(
                index,
                f.remoteUrl(),
                local,
                temp,
                new FileState(ranges, f.extension().rangesInPlace(), engine.config.pieceSize()));
        file.extension = f.extension();
        added.add(file);
      }
      job.addFiles(added);
      engine.records.touch(job);
      try {
        engine.records.write(
            job,
            () ->
                engine.store.addFiles(
                    job.toRow(), added.stream().map(file -> file.toRow(job.id)).toList()));
      } catch (RuntimeException e) {
        job.removeFiles(added);
        throw e;
      }
      engine.records.publish(job, JobEvent.Kind.CHANGED, -1);
      engine.notifications.modified(job);
      return added;
    } finally {
      engine.lock.unlock();
    }
  }
}
