package dev.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A throw-away certificate for {@code 127.0.0.1} and {@code localhost}, made with the running JDK's
 * keytool (the JDK has no public API to issue certificates).
 */
final class SelfSignedCertificate {
  private static final String PASSWORD = "testkit";

  private final Path keyStore;

  private SelfSignedCertificate(Path keyStore) {
    this.keyStore = keyStore;
  }

  static SelfSignedCertificate create() {
    try {
      Path dir = Files.createTempDirectory("testkit-tls");
      dir.toFile().deleteOnExit();
      Path store = dir.resolve("origin.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-alias",
                      "origin",
                      "-keyalg",
                      "EC",
                      "-groupname",
                      "secp256r1",
                      "-dname",
                      "CN=localhost",
                      "-ext",
                      "SAN=ip:127.0.0.1,dns:localhost",
                      "-validity",
                      "2",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      store.toString(),
                      "-storepass",
                      PASSWORD,
                      "-keypass",
                      PASSWORD))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + new String(output));
      }
      store.toFile().deleteOnExit();
      return new SelfSignedCertificate(store);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a test certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  SslContextFactory.Server serverFactory() {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStorePath(keyStore.toString());
    factory.setKeyStorePassword(PASSWORD);
    factory.setKeyStoreType("PKCS12");
    return factory;
  }

  SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test certificate", e);
    }
  }
}
