package dev.ferry.daemon.api;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobType;
import dev.ferry.engine.Engine;
import dev.ferry.rest.AddFilesRequest;
import dev.ferry.rest.Caller;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.Description;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobPatch;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Problem;
import dev.ferry.rest.PropertyValue;
import dev.ferry.rest.RemoteNameRequest;
import dev.ferry.rest.Result;
import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The routes of {@link Routes} other than the event stream, each a call on the caller's manager.
 */
final class JobEndpoints {
  static final String CALLER = "ferry.caller";

  private final Engine engine;
  private final FinalJobs finalJobs = new FinalJobs();
  private final CallerAccess access;

  JobEndpoints(Engine engine, boolean daemonIsRoot) {
    this.engine = engine;
    this.access = new CallerAccess(daemonIsRoot);
    engine.addListener(finalJobs);
  }

  /** Stops following the engine's events. */
  void close() {
    engine.removeListener(finalJobs);
  }

  /** Registers the routes; {@code /files} before {@code /{action}}, which would also match it. */
  void register(RoutesConfig routes) {
    routes.get(Routes.WHOAMI, this::whoami);
    routes.get(Routes.JOBS, this::listJobs);
    routes.post(Routes.JOBS, this::createJob);
    routes.get(Routes.JOB, ctx -> ctx.json(view(job(ctx), withFiles(ctx))));
    routes.patch(Routes.JOB, this::patchJob);
    routes.get(Routes.FILES, this::listFiles);
    routes.post(Routes.FILES, this::addFiles);
    routes.put(Routes.FILE_REMOTE_NAME, this::setRemoteName);
    routes.get(Routes.FILE_PROPERTY, this::fileProperty);
    routes.get(Routes.JOB_PROPERTY, this::jobProperty);
    routes.put(Routes.JOB_PROPERTY, this::setJobProperty);
    routes.post(Routes.ACTION, this::action);
    routes.get(Routes.ERROR_DESCRIPTION, this::describeError);
  }

  static JobOwner caller(Context ctx) {
    JobOwner owner = ctx.attribute(CALLER);
    if (owner == null) {
      throw new IllegalStateException("no caller was established for " + ctx.path());
    }
    return owner;
  }

  private BackgroundCopyManager manager(Context ctx) {
    return engine.manager(caller(ctx));
  }

  private BackgroundCopyJob job(Context ctx) {
    return manager(ctx).getJob(Requests.jobId(ctx));
  }

  /** The job a mutation applies to: BG_E_INVALID_STATE rather than not found once it is final. */
  private BackgroundCopyJob jobToChange(Context ctx) {
    UUID id = Requests.jobId(ctx);
    try {
      return manager(ctx).getJob(id);
    } catch (FerryException e) {
      throw finalJobs.forMutation(caller(ctx), id, e);
    }
  }

  private void whoami(Context ctx) {
    JobOwner owner = caller(ctx);
    ctx.json(new Caller(owner.uid(), owner.name(), owner.isAdministrator()));
  }

  private void listJobs(Context ctx) {
    boolean allUsers = Requests.flag(ctx, "allUsers");
    boolean withFiles = withFiles(ctx);
    ctx.json(manager(ctx).enumJobs(allUsers).stream().map(job -> view(job, withFiles)).toList());
  }

  /** Whether the request wants the files too: unless it says {@code files=false}. */
  private static boolean withFiles(Context ctx) {
    return Requests.flag(ctx, "files", true);
  }

  private static JobView view(BackgroundCopyJob job, boolean withFiles) {
    return withFiles ? JobView.of(job) : JobView.summaryOf(job);
  }

  private void createJob(Context ctx) {
    CreateJobRequest request = Requests.body(ctx, CreateJobRequest.class);
    JobType type =
        request.type() == null
            ? JobType.DOWNLOAD
            : Requests.enumValue(JobType.class, request.type(), "job type");
    BackgroundCopyJob job = manager(ctx).createJob(request.displayName(), type);
    ctx.header("Location", Routes.job(job.id()));
    ctx.status(201).json(JobView.of(job));
  }

  private void patchJob(Context ctx) {
    JobPatch patch = Requests.body(ctx, JobPatch.class);
    BackgroundCopyJob job = jobToChange(ctx);
    JobPatches.apply(patch, job);
    ctx.json(JobView.of(job));
  }

  private void listFiles(Context ctx) {
    List<BackgroundCopyFile> files = job(ctx).files();
    List<FileView> views = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      views.add(FileView.of(i, files.get(i)));
    }
    ctx.json(views);
  }

  private void addFiles(Context ctx) {
    AddFilesRequest request = Requests.body(ctx, AddFilesRequest.class);
    BackgroundCopyJob job = jobToChange(ctx);
    List<AddFilesRequest.NewFile> files = request.files() == null ? List.of() : request.files();
    if (files.stream().anyMatch(f -> f == null)) {
      throw Requests.invalid("a file entry is null");
    }
    for (AddFilesRequest.NewFile file : files) {
      access.checkSource(caller(ctx), file.remoteName());
      access.checkDestination(caller(ctx), file.localName());
    }
    List<BackgroundCopyFile> added;
    if (files.size() == 1 && files.getFirst().ranges() != null) {
      AddFilesRequest.NewFile file = files.getFirst();
      if (file.ranges().stream().anyMatch(r -> r == null)) {
        throw Requests.invalid("a range is null");
      }
      added =
          List.of(
              job.addFileWithRanges(
                  file.remoteName(),
                  file.localName(),
                  file.ranges().stream().map(FileView.Range::toFileRange).toList()));
    } else {
      if (files.stream().anyMatch(f -> f.ranges() != null)) {
        throw Requests.invalid("ranges can only be given when adding a single file");
      }
      added =
          job.addFileSet(
              files.stream().map(f -> new FileInfo(f.remoteName(), f.localName())).toList());
    }
    List<BackgroundCopyFile> all = job.files();
    ctx.status(201).json(added.stream().map(f -> FileView.of(all.indexOf(f), f)).toList());
  }

  private BackgroundCopyFile file(Context ctx, BackgroundCopyJob job) {
    int index = Requests.intParam(ctx, "index");
    List<BackgroundCopyFile> files = job.files();
    if (index < 0 || index >= files.size()) {
      throw Requests.invalid("job " + job.id() + " has no file " + index);
    }
    return files.get(index);
  }

  private void setRemoteName(Context ctx) {
    RemoteNameRequest request = Requests.body(ctx, RemoteNameRequest.class);
    BackgroundCopyJob job = jobToChange(ctx);
    BackgroundCopyFile file = file(ctx, job);
    access.checkSource(caller(ctx), request.remoteName());
    file.setRemoteName(request.remoteName());
    ctx.json(FileView.of(Requests.intParam(ctx, "index"), file));
  }

  private void fileProperty(Context ctx) {
    BackgroundCopyJob job = job(ctx);
    BackgroundCopyFile file = file(ctx, job);
    FilePropertyId id = FilePropertyId.of(Requests.intParam(ctx, "property"));
    ctx.json(PropertyValue.string(file.getProperty(id)));
  }

  private void jobProperty(Context ctx) {
    BackgroundCopyJob job = job(ctx);
    JobPropertyId id = JobPropertyId.of(Requests.intParam(ctx, "property"));
    ctx.json(PropertyValue.of(job.getProperty(id)));
  }

  private void setJobProperty(Context ctx) {
    PropertyValue value = Requests.body(ctx, PropertyValue.class);
    BackgroundCopyJob job = jobToChange(ctx);
    JobPropertyId id = JobPropertyId.of(Requests.intParam(ctx, "property"));
    job.setProperty(id, value.toJobPropertyValue());
    ctx.json(PropertyValue.of(job.getProperty(id)));
  }

  private void action(Context ctx) {
    String action = ctx.pathParam("action");
    if (!List.of(
            Routes.RESUME, Routes.SUSPEND, Routes.CANCEL, Routes.COMPLETE, Routes.TAKE_OWNERSHIP)
        .contains(action)) {
      Problems.send(
          ctx, 404, Problem.of(HResult.E_INVALIDARG, "no such route: POST " + ctx.path()));
      return;
    }
    BackgroundCopyJob job = jobToChange(ctx);
    HResult result =
        switch (action) {
          case Routes.RESUME -> {
            job.resume();
            yield HResult.S_OK;
          }
          case Routes.SUSPEND -> {
            job.suspend();
            yield HResult.S_OK;
          }
          case Routes.CANCEL -> job.cancel();
          case Routes.COMPLETE -> job.complete();
          default -> {
            job.takeOwnership();
            yield HResult.S_OK;
          }
        };
    ctx.json(Result.of(result));
  }

  private void describeError(Context ctx) {
    int hresult = Requests.hresult(ctx.queryParam("hresult"));
    var locale = Requests.locale(ctx.queryParam("lang"));
    String text = manager(ctx).getErrorDescription(hresult, locale);
    ctx.json(new Description(hresult, HResult.nameOf(hresult), text));
  }
}
