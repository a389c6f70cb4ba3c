package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.http.ProxySelection.InvalidProxyException;
import dev.ferry.http.ProxySelection.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Proxy choice from the environment (PRECONFIG, AUTODETECT) and from a job's own lists. */
class ProxySelectionTest {
  private static final URI HTTP = URI.create("http://files.example.com/a.bin");
  private static final URI HTTPS = URI.create("https://files.example.com/a.bin");
  private static final ProxySettings PRECONFIG = ProxySettings.PRECONFIG;
  private static final ProxySettings AUTODETECT =
      new ProxySettings(ProxyUsage.AUTODETECT, null, null);
  private static final ProxySettings NO_PROXY = new ProxySettings(ProxyUsage.NO_PROXY, null, null);

  private static Optional<Proxy> select(Map<String, String> env, URI uri, ProxySettings settings)
      throws InvalidProxyException {
    return new ProxySelection(env).select(uri, settings);
  }

  private static ProxySettings override(String proxies, String bypass) {
    return new ProxySettings(ProxyUsage.OVERRIDE, proxies, bypass);
  }

  private static URI http(String host) {
    return URI.create("http://" + host + "/a.bin");
  }

  // --- PRECONFIG / AUTODETECT: the environment -----------------------------------------------

  @Test
  void withoutProxyVariablesTheConnectionIsDirect() throws Exception {
    assertThat(select(Map.of(), HTTP, PRECONFIG)).isEmpty();
    assertThat(select(Map.of(), HTTPS, PRECONFIG)).isEmpty();
    assertThat(select(Map.of("http_proxy", "  "), HTTP, PRECONFIG)).isEmpty();
  }

  @Test
  void eachSchemeUsesItsOwnVariable() throws Exception {
    Map<String, String> env =
        Map.of(
            "http_proxy", "http://proxy.corp:3128",
            "https_proxy", "https://secure.corp:8443");
    assertThat(select(env, HTTP, PRECONFIG)).contains(new Proxy("http", "proxy.corp", 3128));
    assertThat(select(env, HTTPS, PRECONFIG)).contains(new Proxy("https", "secure.corp", 8443));
    assertThat(select(Map.of("http_proxy", "http://proxy.corp:3128"), HTTPS, PRECONFIG))
        .as("http_proxy does not serve https URLs")
        .isEmpty();
  }

  @Test
  void upperCaseVariablesAreReadAndLowerCaseWins() throws Exception {
    assertThat(select(Map.of("HTTP_PROXY", "upper.corp:1"), HTTP, PRECONFIG))
        .contains(new Proxy("http", "upper.corp", 1));
    assertThat(select(Map.of("HTTPS_PROXY", "upper.corp:2"), HTTPS, PRECONFIG))
        .contains(new Proxy("http", "upper.corp", 2));
    assertThat(
            select(
                Map.of("HTTP_PROXY", "upper.corp:1", "http_proxy", "lower.corp:2"),
                HTTP,
                PRECONFIG))
        .contains(new Proxy("http", "lower.corp", 2));
  }

  @Test
  void autodetectFallsBackToTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("http_proxy", "proxy.corp:3128");
    assertThat(select(env, HTTP, AUTODETECT)).contains(new Proxy("http", "proxy.corp", 3128));
  }

  @Test
  void noProxyNeverUsesAProxy() throws Exception {
    Map<String, String> env = Map.of("http_proxy", "proxy.corp:3128", "https_proxy", "p:1");
    assertThat(select(env, HTTP, NO_PROXY)).isEmpty();
    assertThat(select(env, HTTPS, NO_PROXY)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}:{2}:{3}")
  @CsvSource({
    "proxy.corp, http, proxy.corp, 80",
    "proxy.corp:8080, http, proxy.corp, 8080",
    "http://proxy.corp, http, proxy.corp, 80",
    "https://proxy.corp, https, proxy.corp, 443",
    "HTTP://proxy.corp:3128/, http, proxy.corp, 3128",
    "http://user:secret@proxy.corp:3128, http, proxy.corp, 3128",
    "10.1.2.3:3128, http, 10.1.2.3, 3128",
    "[::1]:3128, http, [::1], 3128",
  })
  void proxyEntriesDefaultTheirSchemeAndPort(String value, String scheme, String host, int port)
      throws Exception {
    assertThat(select(Map.of("http_proxy", value), HTTP, PRECONFIG))
        .contains(new Proxy(scheme, host, port));
  }

  @ParameterizedTest(name = "no_proxy={0}, host {1} bypassed: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com | example.com | true",
        "example.com | files.example.com | true",
        "example.com | badexample.com | false",
        ".example.com | example.com | true",
        ".example.com | files.example.com | true",
        "other.org | files.example.com | false",
        "* | files.example.com | true",
        "example.com:8080 | files.example.com | true",
        "EXAMPLE.COM | files.example.com | true",
        "other.org,example.com | files.example.com | true",
        "other.org, example.com | files.example.com | true",
        "other.org example.com | files.example.com | true",
        "127.0.0.1 | 127.0.0.1 | true",
        "127.0.0.1 | 127.0.0.10 | false",
      })
  void noProxyMatchesHostsAndDomainSuffixes(String noProxy, String host, boolean bypassed)
      throws Exception {
    for (String variable : new String[] {"no_proxy", "NO_PROXY"}) {
      Map<String, String> env = Map.of("http_proxy", "proxy.corp:3128", variable, noProxy);
      assertThat(select(env, http(host), PRECONFIG))
          .as("%s=%s for %s", variable, noProxy, host)
          .isEqualTo(
              bypassed ? Optional.empty() : Optional.of(new Proxy("http", "proxy.corp", 3128)));
    }
  }

  @ParameterizedTest(name = "http_proxy={0}")
  @ValueSource(
      strings = {
        "socks5://proxy.corp:1080",
        "proxy.corp:99999",
        "proxy.corp:0",
        "proxy.corp:abc",
        "http://",
        "pro#xy.corp:80",
      })
  void invalidEnvironmentProxiesAreRejected(String value) {
    assertThatThrownBy(() -> select(Map.of("http_proxy", value), HTTP, PRECONFIG))
        .isInstanceOf(InvalidProxyException.class);
  }

  // --- OVERRIDE: the job's lists -------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"http=h1:81 https=h2:82", "http=h1:81;https=h2:82", "https=h2:82 http=h1:81"})
  void overrideUsesTheEntryForTheScheme(String list) throws Exception {
    assertThat(select(Map.of(), HTTP, override(list, null))).contains(new Proxy("http", "h1", 81));
    assertThat(select(Map.of(), HTTPS, override(list, null))).contains(new Proxy("http", "h2", 82));
  }

  @Test
  void anEntryWithoutProtocolServesEveryScheme() throws Exception {
    ProxySettings settings = override("generic.corp:3128", null);
    assertThat(select(Map.of(), HTTP, settings)).contains(new Proxy("http", "generic.corp", 3128));
    assertThat(select(Map.of(), HTTPS, settings)).contains(new Proxy("http", "generic.corp", 3128));
  }

  @Test
  void aProtocolEntryWinsOverAnEntryWithoutProtocolWhateverTheOrder() throws Exception {
    ProxySettings settings = override("generic.corp:3128 HTTP=h1:81", null);
    assertThat(select(Map.of(), HTTP, settings)).contains(new Proxy("http", "h1", 81));
    assertThat(select(Map.of(), HTTPS, settings)).contains(new Proxy("http", "generic.corp", 3128));
  }

  @Test
  void anOverrideEntryMayNameTheProxysOwnScheme() throws Exception {
    assertThat(select(Map.of(), HTTP, override("http=https://h1:8443", null)))
        .contains(new Proxy("https", "h1", 8443));
  }

  @Test
  void overrideIgnoresTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("http_proxy", "env.corp:1", "no_proxy", "*");
    assertThat(select(env, HTTP, override("job.corp:2", null)))
        .contains(new Proxy("http", "job.corp", 2));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "ftp=foo:1",
        "socks=foo:1",
        "http=foo:99999",
        "http=foo:x",
        "http=",
        "pro#xy:80",
        "   ",
      })
  void invalidOverrideListsAreRejected(String list) {
    assertThatThrownBy(() -> select(Map.of(), HTTP, override(list, null)))
        .isInstanceOf(InvalidProxyException.class);
  }

  @Test
  void anOverrideWithoutAListIsRejected() {
    assertThatThrownBy(() -> select(Map.of(), HTTP, override(null, null)))
        .isInstanceOf(InvalidProxyException.class);
  }

  @ParameterizedTest(name = "bypass \"{0}\", host {1} bypassed: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<local> | intranet | true",
        "<local> | localhost | true",
        "<local> | files.example.com | false",
        "<LOCAL> | intranet | true",
        "*.example.com | files.example.com | true",
        "*.example.com | example.com | false",
        "example.com | files.example.com | false",
        "files.example.com | files.example.com | true",
        "FILES.Example.COM | files.example.com | true",
        "10.0.* | 10.0.3.4 | true",
        "10.0.* | 10.1.3.4 | false",
        "127.0.0.1 | 127.0.0.1 | true",
        "127.0.0.1 | 127.0.0.10 | false",
        "other.org;*.example.com | files.example.com | true",
        "other.org *.example.com | files.example.com | true",
        "other.org; <local> | files.example.com | false",
      })
  void bypassListsMatchExactNamesWildcardsAndLocal(String bypass, String host, boolean bypassed)
      throws Exception {
    assertThat(select(Map.of(), http(host), override("proxy.corp:3128", bypass)))
        .isEqualTo(
            bypassed ? Optional.empty() : Optional.of(new Proxy("http", "proxy.corp", 3128)));
  }

  @Test
  void anInvalidProxyListIsReportedEvenWhenNotBypassed() {
    // A bypassed host never needs the list; any other host finds out the list is unusable.
    assertThatThrownBy(
            () -> select(Map.of(), http("files.example.com"), override("ftp=foo:1", "<local>")))
        .isInstanceOf(InvalidProxyException.class);
  }
}
