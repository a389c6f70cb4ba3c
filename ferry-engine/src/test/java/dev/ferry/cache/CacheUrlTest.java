package dev.ferry.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CacheUrlTest {
  private static String rewrite(String origin, String cache) {
    return CacheUrl.rewrite(URI.create(origin), cache).toString();
  }

  @Test
  void keepsPathAndQueryReplacesTheHostAndNamesTheOrigin() {
    assertThat(rewrite("http://a.example/p/f.cab?x=1", "CACHE"))
        .isEqualTo("http://CACHE/p/f.cab?x=1&cacheHostOrigin=a.example");
  }

  @Test
  void withoutAQueryTheParameterIsTheQuery() {
    assertThat(rewrite("http://a.example/p/f.cab", "cache.lan"))
        .isEqualTo("http://cache.lan/p/f.cab?cacheHostOrigin=a.example");
  }

  @Test
  void theOriginsPortIsDroppedAndTheCachesKept() {
    assertThat(rewrite("http://a.example:8080/f?x=1&y=2", "10.0.0.5:3128"))
        .isEqualTo("http://10.0.0.5:3128/f?x=1&y=2&cacheHostOrigin=a.example");
  }

  @Test
  void anHttpsOriginIsAskedForOverPlainHttp() {
    assertThat(rewrite("https://a.example/f.cab", "cache"))
        .isEqualTo("http://cache/f.cab?cacheHostOrigin=a.example");
  }

  @Test
  void ipv6LiteralsOnEitherSide() {
    assertThat(rewrite("http://[2001:db8::1]:8080/f", "fd00::5"))
        .isEqualTo("http://[fd00::5]/f?cacheHostOrigin=2001:db8::1");
    assertThat(rewrite("http://a.example/f", "[fd00::5]:8080"))
        .isEqualTo("http://[fd00::5]:8080/f?cacheHostOrigin=a.example");
  }

  @Test
  void anEmptyPathBecomesTheRootAndEncodedPathsStayEncoded() {
    assertThat(rewrite("http://a.example", "c")).isEqualTo("http://c/?cacheHostOrigin=a.example");
    assertThat(rewrite("http://a.example/a%20b/c%3Fd?q=%26", "c"))
        .isEqualTo("http://c/a%20b/c%3Fd?q=%26&cacheHostOrigin=a.example");
  }

  @Test
  void aHostListIsSplitOnCommasAndCheckedEntryByEntry() {
    assertThat(dev.ferry.api.ArgumentRules.cacheHosts(" c1, 10.0.0.2:80 ,,fd00::1"))
        .containsExactly("c1", "10.0.0.2:80", "fd00::1");
    assertThatThrownBy(() -> dev.ferry.api.ArgumentRules.cacheHosts("c1, http://c2/"))
        .isInstanceOf(dev.ferry.api.FerryException.class);
  }
}
