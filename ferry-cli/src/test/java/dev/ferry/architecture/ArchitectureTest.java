package dev.ferry.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.ferry.engine.job.JobEvent;
import dev.ferry.engine.job.JobListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/architecture.md describes, checked on the compiled classes of every module: the
 * API depends on nothing, the SPI on the API alone, the engine's core on neither DO nor a concrete
 * source, the engine on neither the metrics nor their library nor the swarm, and the daemon,
 * client, command line and metrics on the engine's public surface only.
 */
class ArchitectureTest {
  private static final String[] CORE = {
    "dev.ferry.engine.job..",
    "dev.ferry.engine.transfer..",
    "dev.ferry.engine.schedule..",
    "dev.ferry.engine.store..",
    "dev.ferry.engine.piece..",
    "dev.ferry.engine.notify..",
    "dev.ferry.engine.bandwidth..",
    "dev.ferry.engine.integrity.."
  };

  private static JavaClasses ferry;

  @BeforeAll
  static void importClasses() {
    // The modules' main classes, as jars or directories; no test classes, whichever way packed.
    ferry =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.ferry");
  }

  @Test
  void theApiDependsOnTheJdkAlone() {
    classes()
        .that()
        .resideInAPackage("dev.ferry.api..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.ferry.api..", "java..")
        .check(ferry);
  }

  @Test
  void theSpiDependsOnTheApiAlone() {
    classes()
        .that()
        .resideInAPackage("dev.ferry.spi..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.ferry.spi..", "dev.ferry.api..", "java..")
        .check(ferry);
  }

  /** Delivery Optimization plugs into the core; the core knows it only as a kind and extension. */
  @Test
  void theCoreKnowsNothingOfDeliveryOptimization() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.ferry.delivery..")
        .check(ferry);
  }

  /** Sources plug in: the core reaches them through the SPI, and never names one. */
  @Test
  void theCoreNamesNoConcreteSource() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.ferry.http..", "dev.ferry.file..", "dev.ferry.cache..")
        .check(ferry);
  }

  /**
   * Metrics are a part beside the engine, built on its events: the engine (core, SPI, DO, sources)
   * never names them, nor Micrometer, so an embedded engine runs without either.
   */
  @Test
  void theEngineKnowsNothingOfMetrics() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.ferry.api..",
            "dev.ferry.spi..",
            "dev.ferry.engine..",
            "dev.ferry.delivery..",
            "dev.ferry.http..",
            "dev.ferry.file..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.ferry.metrics..", "io.micrometer..", "io.prometheus..")
        .check(ferry);
  }

  /**
   * Peers (ferry-swarm) are a part beside the engine, built on it: nothing in the engine (core,
   * SPI, DO, sources) names them, and they use only what the engine offers parts that plug in (the
   * SPI, the integrity package's tree) and, to be wired in, its configuration ({@code
   * dev.ferry.engine}'s own classes: {@code PeerSharing.into(EngineConfig)}); the tracker client
   * also uses Apache HttpClient, as the engine's HTTP source does. The JDK's javax.crypto is
   * allowed too: MSE's RC4 (dev.ferry.swarm.mse) is SunJCE's ARCFOUR.
   */
  @Test
  void theEngineKnowsNothingOfTheSwarm() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.ferry.api..",
            "dev.ferry.spi..",
            "dev.ferry.engine..",
            "dev.ferry.delivery..",
            "dev.ferry.http..",
            "dev.ferry.file..",
            "dev.ferry.cache..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.ferry.swarm..")
        .check(ferry);
    classes()
        .that()
        .resideInAPackage("dev.ferry.swarm..")
        .and()
        .resideOutsideOfPackage("dev.ferry.swarm.tracker..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.ferry.swarm..",
            "dev.ferry.engine.integrity..",
            "dev.ferry.engine",
            "dev.ferry.spi..",
            "dev.ferry.api..",
            "org.slf4j..",
            "java..",
            "javax.crypto..")
        .check(ferry);
    // HTTP(S) trackers announce with the HTTP client the engine's HttpSource uses.
    classes()
        .that()
        .resideInAPackage("dev.ferry.swarm.tracker..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.ferry.swarm..", "dev.ferry.spi..", "org.apache.hc..", "org.slf4j..", "java..")
        .check(ferry);
    classes()
        .that()
        .resideInAPackage("dev.ferry.swarm..")
        .and()
        .resideOutsideOfPackage("dev.ferry.swarm.source..")
        .should()
        .onlyDependOnClassesThat()
        .resideOutsideOfPackage("dev.ferry.engine")
        .check(ferry);
  }

  /** What the daemon, the client, the command line and the metrics may use of the engine. */
  @Test
  void theDaemonClientAndCommandLineUseTheEnginesPublicSurfaceOnly() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.ferry.daemon..",
            "dev.ferry.client..",
            "dev.ferry.cli..",
            "dev.ferry.rest..",
            "dev.ferry.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.ferry.engine.transfer..",
            "dev.ferry.engine.schedule..",
            "dev.ferry.engine.store..",
            "dev.ferry.engine.piece..",
            "dev.ferry.engine.notify..",
            "dev.ferry.http..",
            "dev.ferry.file..")
        .check(ferry);
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.ferry.daemon..",
            "dev.ferry.client..",
            "dev.ferry.cli..",
            "dev.ferry.rest..",
            "dev.ferry.metrics..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.ferry.engine.job")
                .and(not(belongToAnyOf(JobEvent.class, JobListener.class))))
        .check(ferry);
  }
}
