/**
 * A drop-in for Microsoft's Linux Delivery Optimization agent (deliveryoptimization-agent): the
 * same loopback REST protocol on the first free port of 50000–60999, advertised in {@code
 * restport.<pid>}, so programs built on Microsoft's C++ SDK (libdeliveryoptimization) download
 * through ferryd unchanged. {@code ferry daemon --do-agent} turns it on.
 *
 * <p>Identity: the protocol carries no credentials, and a loopback TCP connection says nothing
 * about who opened it. Every download created through the agent therefore belongs to one owner: the
 * daemon's own user, or in system mode the user named by {@code --do-agent-user} (required there,
 * so that the agent never writes files as root on behalf of an unknown local user). Any local
 * program can use and control every agent download, exactly as with Microsoft's agent; they are
 * invisible to other callers of ferryd's own API unless those act as the same owner.
 *
 * <p>Deliberate differences from the agent: {@code download/enumerate} is implemented ({@code
 * {"Ids":[...]}}, optionally filtered by Uri, DownloadFilePath, Id, ContentId or DisplayName);
 * {@code getproperty}/{@code setproperty} accept every download property with a text form, not only
 * Id, Uri, DownloadFilePath and NoProgressTimeoutSeconds; a refused non-loopback peer gets 403 with
 * E_ACCESSDENIED rather than 400 with E_INVALIDARG.
 */
package dev.ferry.daemon.doagent;
