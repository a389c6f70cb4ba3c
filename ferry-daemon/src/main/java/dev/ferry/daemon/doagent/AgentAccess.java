package dev.ferry.daemon.doagent;

/**
 * What an agent request may name, checked before the engine sees it: a root daemon creates files
 * with root's rights, so the destinations named for the agent's owner are checked against that
 * owner's rights (the engine checks again, on the directory it actually opens). A refusal throws a
 * FerryException (E_ACCESSDENIED).
 */
@FunctionalInterface
public interface AgentAccess {
  void checkDestination(String localPath);

  /** No checks: the daemon's own rights are the owner's. */
  AgentAccess NONE = localPath -> {};
}
