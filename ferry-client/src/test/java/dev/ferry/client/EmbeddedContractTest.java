package dev.ferry.client;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.engine.Ferry;
import dev.ferry.engine.job.JobEngine;
import java.nio.file.Path;

/** The contract against the embedded engine: the reference behaviour. */
class EmbeddedContractTest extends ManagerContract {
  private JobEngine engine;

  @Override
  protected BackgroundCopyManager open(Path dataDir) {
    engine = TestSupport.openEngine(dataDir);
    return engine.manager(Ferry.currentUser());
  }

  @Override
  protected void shutDown() {
    if (engine != null) {
      engine.close();
    }
  }
}
