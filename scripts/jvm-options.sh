# Sourced by ./ferry and bench/run after pick-jdk.sh: the JVM options every ferry command runs with,
# in $ferry_jvm_options; those of a command that ends (every verb but daemon), in
# $ferry_command_jvm_options; and the JDK's feature version in $ferry_jdk_major.
ferry_jdk_major=$(ferry_jdk_version "$JAVA_HOME")
# A short command's heap is small; the serial collector starts fastest and needs no GC threads.
ferry_jvm_options="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC"
# At exit the JVM waits up to 300 ms for threads in native code, and the virtual threads' socket
# poller always is in native code (epoll_wait): a download that used several connections ended
# a third of a second after its last byte. Nothing of Ferry's runs in native code at exit.
if [ "${ferry_jdk_major:-0}" -ge 22 ] 2>/dev/null; then
  ferry_jvm_options="$ferry_jvm_options -XX:UserThreadWaitAttemptsAtExit=0"
fi
# A command that ends has no use for C2: on two cores its compiler threads compete with the
# download, whose copy runs in native code anyway (bench/run 1g small, with and without
# FERRY_JAVA_OPTS=-XX:TieredStopAtLevel=4: the figures are in bench/README.md). ferryd keeps C2.
# Nor for the performance-data file that jstat reads: the JVM creates it in /tmp at start and
# syncs it at exit.
ferry_command_jvm_options="$ferry_jvm_options -XX:TieredStopAtLevel=1 -XX:-UsePerfData"

# A command that hashes much keeps C2 (below), but C2 compiling everything warm cost such a
# command more CPU than the hashing did: later compiles for all, and the JDK's SHA-256 compiled at
# once, since until C2 compiles it the hashing runs an order of magnitude slower (bench/README.md,
# "Peers against libtorrent", peer-get).
ferry_hashing_command_jvm_options="$ferry_jvm_options -XX:-UsePerfData -XX:CompileThresholdScaling=5"
ferry_hashing_command_jvm_options="$ferry_hashing_command_jvm_options -XX:CompileCommand=quiet"
ferry_hashing_command_jvm_options="$ferry_hashing_command_jvm_options -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.05"

# The options for the command line "$@": a command's, but C2's for one that hashes much (pieces
# from peers; do hash; get --json's SHA-256 of each file): only C2 uses the CPU's SHA-256
# instructions, and hashing is then most of the work (bench/README.md, issue 17's figures).
# ferryd keeps C2 as well, with its defaults: it runs long enough to repay its compiles.
ferry_jvm_options_for() {
  for arg in "$@"; do
    case "$arg" in
      daemon)
        printf '%s' "$ferry_jvm_options -XX:-UsePerfData"
        return
        ;;
      hash | seed | --torrent | --torrent=* | --integrity | --integrity=* | magnet:* | --json)
        printf '%s' "$ferry_hashing_command_jvm_options"
        return
        ;;
    esac
  done
  printf '%s' "$ferry_command_jvm_options"
}
