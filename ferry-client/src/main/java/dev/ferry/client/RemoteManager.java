package dev.ferry.client;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobType;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.Description;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Routes;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** IBackgroundCopyManager over ferryd's local API; acts for the identity the daemon sees. */
final class RemoteManager implements BackgroundCopyManager {
  final Transport transport;
  final Tombstones tombstones = new Tombstones();
  final Callbacks callbacks;
  private final JobOwner caller;

  RemoteManager(Transport transport, JobOwner caller) {
    this.transport = transport;
    this.caller = caller;
    this.callbacks = new Callbacks(this);
  }

  @Override
  public BackgroundCopyJob createJob(String displayName, JobType type) {
    if (displayName == null) {
      throw new FerryException(HResult.E_INVALIDARG, "the display name is required");
    }
    if (type == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a job type is required");
    }
    JobView view =
        transport.send(
            "POST", Routes.JOBS, new CreateJobRequest(displayName, type.name()), JobView.class);
    return job(view);
  }

  @Override
  public BackgroundCopyJob getJob(UUID jobId) {
    if (jobId == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a job id is required");
    }
    return job(transport.get(Routes.job(jobId), JobView.class));
  }

  @Override
  public List<BackgroundCopyJob> enumJobs(boolean allUsers) {
    List<JobView> views =
        transport.get(
            Routes.JOBS + (allUsers ? "?allUsers=true" : ""),
            transport.json().getTypeFactory().constructCollectionType(List.class, JobView.class));
    return views.stream().<BackgroundCopyJob>map(this::job).toList();
  }

  @Override
  public String getErrorDescription(int hresult, Locale locale) {
    return describe(hresult, locale).description();
  }

  /** The daemon's description of {@code hresult}, which also checks that it has the language. */
  Description describe(int hresult, Locale locale) {
    String query = "?hresult=" + HResult.hex(hresult);
    if (locale != null && !locale.getLanguage().isEmpty()) {
      query += "&lang=" + locale.toLanguageTag();
    }
    return transport.get(Routes.ERROR_DESCRIPTION + query, Description.class);
  }

  @Override
  public JobOwner caller() {
    return caller;
  }

  RemoteJob job(JobView view) {
    return new RemoteJob(this, UUID.fromString(view.id()), JobType.valueOf(view.type()), view);
  }

  @Override
  public void close() {
    callbacks.close();
    transport.close();
  }

  @Override
  public String toString() {
    return "BackgroundCopyManager[ferryd at " + transport.socket() + " as " + caller + "]";
  }
}
