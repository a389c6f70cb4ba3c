package dev.ferry.daemon.doagent;

/**
 * What an agent request may name, checked before the engine sees it: a root daemon writes with
 * root's rights, so the destinations and {@code file:} sources of the agent's owner are checked
 * against that owner's rights. Each check throws a FerryException (E_ACCESSDENIED) to refuse.
 */
public interface AgentAccess {
  void checkDestination(String localPath);

  void checkSource(String uri);

  /** No checks: the daemon's own rights are the owner's. */
  AgentAccess NONE =
      new AgentAccess() {
        @Override
        public void checkDestination(String localPath) {}

        @Override
        public void checkSource(String uri) {}
      };
}
