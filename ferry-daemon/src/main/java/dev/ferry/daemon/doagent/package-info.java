/**
 * A drop-in for Microsoft's Linux Delivery Optimization agent (deliveryoptimization-agent): the
 * same loopback REST protocol on the first free port of 50000–60999, advertised in {@code
 * restport.<pid>}, so programs built on Microsoft's C++ SDK (libdeliveryoptimization) download
 * through ferryd unchanged. {@code ferry daemon --do-agent} turns it on.
 *
 * <p>Identity: the protocol carries no credentials, and a loopback TCP connection says nothing
 * about who opened it. Every download created through the agent therefore runs with the rights of
 * one named user who is never root: as root, the user named by {@code --do-agent-user} (required),
 * an account of its own as Microsoft's agent has, and then every local program is served; as any
 * other user, ferryd's own user, and then only that user's programs are served ({@link
 * AgentCallers}). Destinations are created by the first start with O_CREAT|O_EXCL as that user and
 * written in place, as the agent does, so nothing already there is replaced and no link is
 * followed; only http and https URLs are taken. Requests that a web page could send (an {@code
 * Origin}, or a {@code Host} that is not a loopback address or {@code localhost}) are refused
 * ({@link RequestOrigin}).
 *
 * <p>Deliberate differences from the agent: {@code download/enumerate} is implemented ({@code
 * {"Ids":[...]}}, optionally filtered by Uri, DownloadFilePath, Id, ContentId or DisplayName);
 * {@code getproperty}/{@code setproperty} accept every download property with a text form, not only
 * Id, Uri, DownloadFilePath and NoProgressTimeoutSeconds; ferryd's own refusals (a user a per-user
 * agent does not serve, a request from a web page, a destination the agent's user may not write,
 * checked at create) get 403 with E_ACCESSDENIED; the configuration directory a root ferryd creates
 * is root's (see {@link AgentConfig}); requests are read up to 8 KiB a line rather than 2048 bytes
 * in all. The README's section on the agent protocol lists the rest.
 */
package dev.ferry.daemon.doagent;
