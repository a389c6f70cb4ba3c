package dev.ferry.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.engine.Ferry;
import java.nio.file.Path;
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
    DoAgentOptions agent = DaemonOptions.parse("--do-agent").doAgent().orElseThrow();
    var self = Ferry.currentUser();
    assertThat(agent.runDir())
        .isEqualTo(DoAgentOptions.defaultRunDir(self.isAdministrator(), self.uid()));
    assertThat(agent.user()).isEmpty();
    assertThat(agent.bindAddress().isLoopbackAddress()).isTrue();
    assertThat(agent.allowRemote()).isFalse();
    assertThat(agent.firstPort()).isEqualTo(50000);
    assertThat(agent.lastPort()).isEqualTo(60999);
    if (self.isAdministrator()) {
      assertThat(agent.runDir()).isEqualTo(Path.of("/var/run/deliveryoptimization-agent"));
    }
  }

  @Test
  void aDirectoryOrUserImpliesTheAgent() {
    DaemonOptions options = DaemonOptions.parse("--do-agent-dir=/tmp/agent-x");
    assertThat(options.doAgent().orElseThrow().runDir()).isEqualTo(Path.of("/tmp/agent-x"));
    assertThat(DaemonOptions.parse("--do-agent-user", "nobody").doAgent().orElseThrow().user())
        .contains("nobody");
    assertThat(options.withSocket(Path.of("/tmp/other.sock")).doAgent()).isPresent();
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
