package dev.ferry.client;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobType;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.CreateJobRequest;
import dev.ferry.rest.Description;
import dev.ferry.rest.DownloadView;
import dev.ferry.rest.JobView;
import dev.ferry.rest.Routes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IBackgroundCopyManager and IDOManager over ferryd's local API; acts for the identity the daemon
 * sees.
 */
final class RemoteManager implements BackgroundCopyManager, DeliveryManager {
  final Transport transport;
  final Tombstones tombstones = new Tombstones();
  final Callbacks callbacks;
  private final JobOwner caller;

  /** One object per download id, so that its client-side properties (callback) are shared. */
  private final Map<String, RemoteDownload> downloads = new ConcurrentHashMap<>();

  /** The threads that poll for download callbacks; interrupted on close. */
  final Set<Thread> downloadPollers = ConcurrentHashMap.newKeySet();

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
            // Each job's files come with its first full view, if they are asked for.
            Routes.JOBS + "?" + (allUsers ? "allUsers=true&" : "") + Routes.WITHOUT_FILES,
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

  // --- DeliveryManager ---------------------------------------------------------------------------

  @Override
  public Download createDownload() {
    DownloadView view = transport.send("POST", Routes.DOWNLOADS, null, DownloadView.class);
    return download(view.id());
  }

  @Override
  public List<Download> enumDownloads(DownloadCategory category) {
    String query =
        category == null
            ? ""
            : "?property="
                + category.property().doName()
                + "&value="
                + URLEncoder.encode(category.value(), StandardCharsets.UTF_8);
    List<DownloadView> views =
        transport.get(
            Routes.DOWNLOADS + query,
            transport
                .json()
                .getTypeFactory()
                .constructCollectionType(List.class, DownloadView.class));
    return views.stream().<Download>map(v -> download(v.id())).toList();
  }

  @Override
  public List<FileDeliveryStatus> deliveryStatus() {
    return transport.get(
        Routes.DELIVERY_STATUS,
        transport
            .json()
            .getTypeFactory()
            .constructCollectionType(List.class, FileDeliveryStatus.class));
  }

  @Override
  public PerfSnapshot perfSnapshot() {
    return transport.get(Routes.DELIVERY_PERF, PerfSnapshot.class);
  }

  private RemoteDownload download(String id) {
    return downloads.computeIfAbsent(id, key -> new RemoteDownload(this, key));
  }

  RemoteJob job(JobView view) {
    return new RemoteJob(this, UUID.fromString(view.id()), JobType.valueOf(view.type()), view);
  }

  @Override
  public void close() {
    downloadPollers.forEach(Thread::interrupt);
    callbacks.close();
    transport.close();
  }

  @Override
  public String toString() {
    return "BackgroundCopyManager[ferryd at " + transport.socket() + " as " + caller + "]";
  }
}
