package dev.ferry.daemon.doagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.CostPolicy;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.rest.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The verbs of Microsoft's deliveryoptimization-agent over a {@link DeliveryManager}: {@code
 * download/create|start|pause|finalize|abort|getstatus|getproperty|setproperty|enumerate}, with its
 * parameters in the query string (names case-insensitive) and its replies and error codes.
 *
 * <p>As in the agent, a download that is finalized or aborted is gone: asking for it again is
 * {@code E_NOT_SET} (404), the agent's code for an unknown id.
 */
final class AgentApi implements AgentHttpServer.Handler {
  /** HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED): the agent's E_UNSUPPORTED, for an unknown verb. */
  static final int E_UNSUPPORTED = HResult.fromWin32(50);

  /**
   * The agent's no-progress timeout when the caller sets none: it gives up on a download that has
   * moved no byte in 30 checks 10 s apart. The DO API's default (a day for a background download)
   * would keep an SDK caller's {@code download_url_to_path} waiting a day for a dead server.
   */
  static final long NO_PROGRESS_SECONDS = 300;

  private enum Verb {
    CREATE("POST"),
    ENUMERATE("GET"),
    START("POST"),
    PAUSE("POST"),
    FINALIZE("POST"),
    ABORT("POST"),
    GETSTATUS("GET"),
    GETPROPERTY("GET"),
    SETPROPERTY("POST");

    final String method;

    Verb(String method) {
      this.method = method;
    }
  }

  /** A query parameter's meaning: the id, the property key of getproperty, or a property. */
  private record Key(String name, DownloadProperty property, boolean propertyKey) {
    static Key of(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      switch (lower) {
        case "propertykey" -> {
          return new Key(name, null, true);
        }
        case "downloadfilepath" -> {
          return new Key(name, DownloadProperty.LOCAL_PATH, false);
        }
        default -> {
          try {
            return new Key(name, DownloadProperty.named(name), false);
          } catch (FerryException e) {
            // The agent answers E_INVALIDARG for a parameter it does not know.
            throw new FerryException(HResult.E_INVALIDARG, "unknown parameter " + name);
          }
        }
      }
    }
  }

  private final DeliveryManager manager;
  private final AgentAccess access;
  private final ObjectMapper json = Json.mapper();

  AgentApi(DeliveryManager manager, AgentAccess access) {
    this.manager = Objects.requireNonNull(manager);
    this.access = Objects.requireNonNull(access);
  }

  @Override
  public AgentReply handle(AgentRequest request) {
    Verb verb = verb(request);
    List<Map.Entry<Key, String>> parameters = new ArrayList<>();
    for (AgentRequest.Parameter parameter : request.query()) {
      parameters.add(Map.entry(Key.of(parameter.name()), parameter.value()));
    }
    ObjectNode reply = json.createObjectNode();
    switch (verb) {
      case CREATE -> reply.put("Id", create(parameters));
      case ENUMERATE -> enumerate(parameters, reply.putArray("Ids"));
      case START -> download(parameters).start(null);
      case PAUSE -> download(parameters).pause();
      case FINALIZE -> download(parameters).finalizeDownload();
      case ABORT -> download(parameters).abort();
      case GETSTATUS -> status(download(parameters).status(), reply);
      case GETPROPERTY -> getProperty(parameters, reply);
      case SETPROPERTY -> setProperties(parameters, bodyParameters(request.body()));
    }
    try {
      return AgentReply.ok(json.writeValueAsString(reply));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code download/<verb>}, case-insensitive as in the agent; E_UNSUPPORTED otherwise. As the
   * agent splits the decoded path, empty segments do not count: {@code /download/create/} and
   * {@code download//create} name create.
   */
  private static Verb verb(AgentRequest request) {
    String path = AgentRequest.percentDecode(request.path());
    List<String> parts =
        java.util.Arrays.stream(path.split("/")).filter(part -> !part.isEmpty()).toList();
    if (parts.size() == 2 && parts.get(0).equalsIgnoreCase("download")) {
      for (Verb verb : Verb.values()) {
        if (verb.name().equalsIgnoreCase(parts.get(1)) && verb.method.equals(request.method())) {
          return verb;
        }
      }
    }
    throw new FerryException(
        E_UNSUPPORTED, "unsupported request: " + request.method() + " " + request.path());
  }

  /** The agent also reads setproperty's values from a JSON object body; any value type goes. */
  private List<Map.Entry<Key, String>> bodyParameters(byte[] body) {
    List<Map.Entry<Key, String>> parameters = new ArrayList<>();
    if (body.length == 0) {
      return parameters;
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (IOException e) {
      throw new FerryException(HResult.E_INVALIDARG, "the body is not JSON");
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return parameters;
    }
    if (!node.isObject()) {
      throw new FerryException(HResult.E_INVALIDARG, "the body must be a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw new FerryException(HResult.E_INVALIDARG, field.getKey() + " needs a plain value");
      }
      parameters.add(Map.entry(Key.of(field.getKey()), value.asText()));
    }
    return parameters;
  }

  private String create(List<Map.Entry<Key, String>> parameters) {
    List<Map.Entry<Key, String>> settings = new ArrayList<>();
    for (Map.Entry<Key, String> parameter : parameters) {
      Key key = parameter.getKey();
      if (key.propertyKey() || key.property() == DownloadProperty.ID) {
        throw new FerryException(HResult.E_INVALIDARG, key.name() + " has no place in create");
      }
      // The agent ignores an empty Uri or path here and fails at start instead.
      if (!parameter.getValue().isEmpty()
          || (key.property() != DownloadProperty.URI
              && key.property() != DownloadProperty.LOCAL_PATH)) {
        settings.add(parameter);
      }
    }
    // Uri and path first, whatever the order in the query, as the agent's constructor takes them.
    settings.sort((a, b) -> Boolean.compare(!isUriOrPath(a.getKey()), !isUriOrPath(b.getKey())));
    List<Map.Entry<DownloadProperty, Object>> values = new ArrayList<>();
    for (Map.Entry<Key, String> setting : settings) {
      values.add(
          Map.entry(setting.getKey().property(), parse(setting.getKey(), setting.getValue())));
    }
    if (values.stream()
        .noneMatch(v -> v.getKey() == DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS)) {
      values.add(Map.entry(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS, NO_PROGRESS_SECONDS));
    }
    checkAccess(values);
    return dev.ferry.daemon.api.DownloadEndpoints.createWith(manager, values).id();
  }

  private static boolean isUriOrPath(Key key) {
    return key.property() == DownloadProperty.URI || key.property() == DownloadProperty.LOCAL_PATH;
  }

  private void enumerate(List<Map.Entry<Key, String>> parameters, ArrayNode ids) {
    List<DownloadCategory> filters = new ArrayList<>();
    for (Map.Entry<Key, String> parameter : parameters) {
      if (parameter.getKey().propertyKey()) {
        throw new FerryException(HResult.E_INVALIDARG, "PropertyKey has no place in enumerate");
      }
      filters.add(new DownloadCategory(parameter.getKey().property(), parameter.getValue()));
    }
    List<Download> downloads = manager.enumDownloads(filters.isEmpty() ? null : filters.getFirst());
    for (Download download : downloads) {
      if (filters.stream().skip(1).allMatch(filter -> matches(download, filter))) {
        ids.add(download.id());
      }
    }
  }

  private static boolean matches(Download download, DownloadCategory filter) {
    try {
      return filter.value().equals(download.getProperty(filter.property()));
    } catch (FerryException e) {
      return false;
    }
  }

  /** The download named by {@code Id}; E_NOT_SET, as in the agent, when there is none. */
  private Download download(List<Map.Entry<Key, String>> parameters) {
    String id = "";
    for (Map.Entry<Key, String> parameter : parameters) {
      if (parameter.getKey().property() == DownloadProperty.ID) {
        id = parameter.getValue();
      }
    }
    if (!id.isEmpty()) {
      for (Download download :
          manager.enumDownloads(new DownloadCategory(DownloadProperty.ID, id))) {
        if (download.id().equalsIgnoreCase(id)) {
          return download;
        }
      }
    }
    throw new FerryException(HResult.E_NOT_SET, "no download " + id);
  }

  /**
   * The agent's status: a state name, sizes (0 while unknown) and signed 32-bit codes, every value
   * a JSON string as the agent writes them ({@code "BytesTotal":"1837"}). Two of its ways are not
   * the DO API's, which the engine follows:
   *
   * <ul>
   *   <li>A download that failed for a reason worth retrying and waits to try again is {@code
   *       Paused} with error 0 and the cause as the extended error in the DO API; the agent keeps
   *       it {@code Transferring} with the cause as ErrorCode (and 0 as ExtendedErrorCode) while it
   *       retries, and so does this reply. An SDK caller then keeps waiting, as it would with the
   *       agent, until the download makes progress or the no-progress timeout ends it.
   *   <li>A download stopped by a failure carries the cause as both error and extended error in the
   *       DO API; the agent reports it once, as ErrorCode, with 0 as ExtendedErrorCode. When the
   *       no-progress timeout stopped it, both give ErrorCode DO_E_DOWNLOAD_NO_PROGRESS and the
   *       last cause as ExtendedErrorCode.
   * </ul>
   */
  private static void status(DownloadStatus status, ObjectNode reply) {
    DownloadState state = status.state();
    int error = status.error();
    int extended = status.extendedError();
    if (state == DownloadState.PAUSED && error == 0 && extended != 0) {
      state = DownloadState.TRANSFERRING;
      error = extended;
      extended = 0;
    } else if (error != 0 && extended == error) {
      extended = 0;
    }
    reply.put("Status", state.displayName());
    reply.put("BytesTotal", Long.toString(Math.max(0, status.bytesTotal())));
    reply.put("BytesTransferred", Long.toString(Math.max(0, status.bytesTransferred())));
    reply.put("ErrorCode", Integer.toString(error));
    reply.put("ExtendedErrorCode", Integer.toString(extended));
  }

  private void getProperty(List<Map.Entry<Key, String>> parameters, ObjectNode reply) {
    String name = null;
    for (Map.Entry<Key, String> parameter : parameters) {
      if (parameter.getKey().propertyKey()) {
        name = parameter.getValue();
      }
    }
    if (name == null || name.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "PropertyKey is required");
    }
    DownloadProperty property =
        name.equalsIgnoreCase("DownloadFilePath")
            ? DownloadProperty.LOCAL_PATH
            : DownloadProperty.named(name);
    Object value = download(parameters).getProperty(property);
    // As text, as the agent writes every value ("NoProgressTimeoutSeconds":"300").
    switch (value) {
      case null -> reply.putNull(name);
      case String text -> reply.put(name, text);
      case Boolean flag -> reply.put(name, flag.toString());
      case Integer number -> reply.put(name, number.toString());
      case Long number -> reply.put(name, number.toString());
      case CostPolicy policy -> reply.put(name, Integer.toString(policy.value()));
      case byte[] bytes -> reply.put(name, Base64.getEncoder().encodeToString(bytes));
      default ->
          throw new FerryException(
              HResult.E_INVALIDARG, property.doName() + " cannot be read over the agent protocol");
    }
  }

  /**
   * The query's properties other than {@code Id} (which names the download), then the body's, in
   * which an {@code Id} is an attempt to change it (DO_E_READ_ONLY_PROPERTY), as in the agent.
   */
  private void setProperties(
      List<Map.Entry<Key, String>> query, List<Map.Entry<Key, String>> body) {
    List<Map.Entry<DownloadProperty, Object>> values = new ArrayList<>();
    for (Map.Entry<Key, String> parameter : query) {
      if (parameter.getKey().property() != DownloadProperty.ID) {
        values.add(value(parameter));
      }
    }
    for (Map.Entry<Key, String> parameter : body) {
      values.add(value(parameter));
    }
    Download download = download(query);
    checkAccess(values);
    for (Map.Entry<DownloadProperty, Object> value : values) {
      download.setProperty(value.getKey(), value.getValue());
    }
  }

  private static Map.Entry<DownloadProperty, Object> value(Map.Entry<Key, String> parameter) {
    Key key = parameter.getKey();
    if (key.propertyKey()) {
      throw new FerryException(HResult.E_INVALIDARG, "PropertyKey has no place in setproperty");
    }
    if (key.property() == DownloadProperty.ID) {
      return Map.entry(DownloadProperty.ID, parameter.getValue());
    }
    return Map.entry(key.property(), parse(key, parameter.getValue()));
  }

  private void checkAccess(List<Map.Entry<DownloadProperty, Object>> values) {
    for (Map.Entry<DownloadProperty, Object> value : values) {
      if (value.getKey() == DownloadProperty.LOCAL_PATH) {
        access.checkDestination((String) value.getValue());
      } else if (value.getKey() == DownloadProperty.URI) {
        checkUrl((String) value.getValue());
      }
    }
  }

  /**
   * The agent takes http and https URLs with a host, nothing else (INET_E_INVALID_URL): a {@code
   * file:} URL would let any local caller read files with the rights of the agent's user.
   */
  static void checkUrl(String text) {
    if (text.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "Uri must not be empty");
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new FerryException(HResult.INET_E_INVALID_URL, "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new FerryException(
          HResult.INET_E_INVALID_URL, "the agent downloads http and https URLs only: " + text);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new FerryException(HResult.INET_E_INVALID_URL, "the URL names no host: " + text);
    }
  }

  /**
   * A value as the property's type takes it. Numbers are decimal; booleans {@code true}/{@code
   * false} (or 1/0); a cost policy its number or name; a byte array base64. Callbacks and sinks
   * live in a process and cannot be named in a query: E_INVALIDARG.
   */
  static Object parse(Key key, String text) {
    DownloadProperty property = key.property();
    try {
      return switch (property.type()) {
        case STRING -> text;
        case UINT32, UINT64, INT32 -> Long.parseLong(text.strip());
        case BOOLEAN ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
              case "true", "1" -> true;
              case "false", "0" -> false;
              default -> throw new IllegalArgumentException(text);
            };
        case COST_POLICY -> costPolicy(text.strip());
        case BYTES -> Base64.getDecoder().decode(text.strip());
        case CALLBACK, SINK ->
            throw new FerryException(
                HResult.E_INVALIDARG,
                property.doName()
                    + " is an object of the caller's process; the agent protocol"
                    + " cannot carry it");
      };
    } catch (IllegalArgumentException e) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          "'"
              + text
              + "' is not a valid "
              + property.type().name().toLowerCase(Locale.ROOT)
              + " for "
              + key.name());
    }
  }

  /**
   * A cost policy by number, or by name in either spelling ({@code NoRoaming}, {@code NO_ROAMING}).
   */
  private static CostPolicy costPolicy(String text) {
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      return CostPolicy.of(Integer.parseInt(text));
    }
    String key = text.replace("_", "").toLowerCase(Locale.ROOT);
    if (key.equals("unrestrictednetwork")) {
      key = "unrestricted"; // the SDK's name
    }
    for (CostPolicy policy : CostPolicy.values()) {
      if (policy.name().replace("_", "").toLowerCase(Locale.ROOT).equals(key)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(text);
  }
}
