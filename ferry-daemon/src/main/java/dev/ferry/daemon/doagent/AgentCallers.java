package dev.ferry.daemon.doagent;

import dev.ferry.daemon.identity.LoopbackPeers;
import java.net.Socket;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which local users may use the agent. The protocol carries no credentials, so where its downloads
 * run with the rights of a user who did not ask for every other local user to act as them (a
 * per-user ferryd, running as that user), only that user's programs are served, identified by the
 * client socket's owner in the kernel's tables ({@link LoopbackPeers}). Where they run as an
 * account of their own (a root ferryd with {@code --do-agent-user}), every local program is served,
 * as Microsoft's agent serves them.
 */
public final class AgentCallers {
  private final OptionalLong onlyUid;

  private AgentCallers(OptionalLong onlyUid) {
    this.onlyUid = onlyUid;
  }

  /** Every local program, as with Microsoft's agent. */
  public static AgentCallers anyone() {
    return new AgentCallers(OptionalLong.empty());
  }

  /** Only programs running as {@code uid} (or as root, which could act as that user anyway). */
  public static AgentCallers onlyUser(long uid) {
    return new AgentCallers(OptionalLong.of(uid));
  }

  /** Why the program at the other end of {@code connection} is refused, or empty if it is not. */
  Optional<String> refusal(Socket connection) {
    if (onlyUid.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong uid = LoopbackPeers.uidOf(connection);
    if (uid.isEmpty()) {
      return Optional.of("the connection's user cannot be told");
    }
    if (uid.getAsLong() != onlyUid.getAsLong() && uid.getAsLong() != 0) {
      return Optional.of(
          "uid " + uid.getAsLong() + " may not use the agent of uid " + onlyUid.getAsLong());
    }
    return Optional.empty();
  }
}
