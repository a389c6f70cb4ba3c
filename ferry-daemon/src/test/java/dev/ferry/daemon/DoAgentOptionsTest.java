package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.engine.Ferry;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The DO agent's options on ferryd's command line. */
class DoAgentOptionsTest {
  @Test
  void theAgentIsOffUnlessAsked() {
    assertThat(DaemonOptions.parse().doAgent()).isEmpty();
    assertThat(DaemonOptions.userDefaults().doAgent()).isEmpty();
  }

  @Test
  void doAgentUsesTheDefaultRunDirectory() {
    var self = Ferry.currentUser();
    DoAgentOptions agent =
        (self.isAdministrator()
                ? DaemonOptions.parse("--do-agent", "--do-agent-user", "nobody")
                : DaemonOptions.parse("--do-agent"))
            .doAgent()
            .orElseThrow();
    assertThat(agent.runDir())
        .isEqualTo(DoAgentOptions.defaultRunDir(self.isAdministrator(), self.uid()));
    assertThat(agent.user())
        .isEqualTo(self.isAdministrator() ? Optional.of("nobody") : Optional.empty());
    assertThat(agent.bindAddress().isLoopbackAddress()).isTrue();
    assertThat(agent.allowRemote()).isFalse();
    assertThat(agent.firstPort()).isEqualTo(50000);
    assertThat(agent.lastPort()).isEqualTo(60999);
    assertThat(agent.configDir()).isEqualTo(Path.of("/etc/deliveryoptimization-agent"));
    if (self.isAdministrator()) {
      assertThat(agent.runDir()).isEqualTo(Path.of("/var/run/deliveryoptimization-agent"));
    }
  }

  @Test
  void aDirectoryOrUserImpliesTheAgent() {
    DaemonOptions options =
        DaemonOptions.parse("--do-agent-dir=/tmp/agent-x", "--do-agent-user=nobody");
    assertThat(options.doAgent().orElseThrow().runDir()).isEqualTo(Path.of("/tmp/agent-x"));
    assertThat(DaemonOptions.parse("--do-agent-user", "nobody").doAgent().orElseThrow().user())
        .contains("nobody");
    assertThat(options.withSocket(Path.of("/tmp/other.sock")).doAgent()).isPresent();
    assertThat(
            DaemonOptions.parse("--do-agent-config-dir", "/tmp/agent-etc", "--do-agent-user=nobody")
                .doAgent()
                .orElseThrow()
                .configDir())
        .isEqualTo(Path.of("/tmp/agent-etc"));
  }

  @Test
  void rootNeedsAnUnprivilegedUserForTheAgent() {
    if (Ferry.currentUser().isAdministrator()) {
      assertThatThrownBy(() -> DaemonOptions.parse("--do-agent"))
          .isInstanceOf(DaemonOptions.UsageException.class)
          .hasMessageContaining("--do-agent-user")
          .hasMessageContaining("root");
      assertThatThrownBy(() -> DaemonOptions.parse("--do-agent-dir", "/tmp/agent-y"))
          .isInstanceOf(DaemonOptions.UsageException.class);
    }
    for (String root : new String[] {"root", "0"}) {
      assertThatThrownBy(() -> DaemonOptions.parse("--do-agent-user", root))
          .isInstanceOf(DaemonOptions.UsageException.class)
          .hasMessageContaining("must not be root");
    }
  }

  @Test
  void systemModeNeedsANamedOwner() {
    assertThatThrownBy(() -> DaemonOptions.parse("--system", "--do-agent"))
        .isInstanceOf(DaemonOptions.UsageException.class)
        .hasMessageContaining("--do-agent-user");
    assertThat(DaemonOptions.parse("--system", "--do-agent-user", "nobody").doAgent()).isPresent();
    assertThatThrownBy(() -> DaemonOptions.parse("--do-agent-dir"))
        .isInstanceOf(DaemonOptions.UsageException.class);
  }
}
