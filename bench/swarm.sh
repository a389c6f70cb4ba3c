# bench/swarm.sh: bench/run's swarm scenario (issue 19's fleet benchmark), sourced by bench/run,
# which has parsed the options and set up the scratch directory, nginx on loopback, Ferry's
# command lines, the results and peer_file (the file and its v2 torrent). See bench/README.md,
# "The fleet: swarm".
#
# Hosts are network namespaces on one Linux bridge inside this machine (no traffic leaves it): the
# origin (nginx, 10.88.0.1) and N hosts (10.88.1.1 to 10.88.1.N), each behind a veth whose two ends
# carry a tbf rate limit: egress inside the namespace is the host's upload, egress of the bridge's
# end its download. The bridge has no address in the root namespace: nothing outside the
# namespaces can reach them, nor they it.

# ---- How a Ferry host finds the others ------------------------------------------------------------
# FLEET_DISCOVERY (environment, or --swarm-discovery):
#   peers  every other host (or --swarm-peers K of them) as --peer 10.88.1.Y:6881: works today
#   lan    ferry get --mode lan: local discovery (BEP 14 LSD over 239.192.152.143:6771; every
#          namespace has a route for 224.0.0.0/4 on its interface) instead of --peer
#   group  ferry get --mode group --group GUID --tracker URL: an opentracker in a namespace of its
#          own (10.88.0.2:6969, allow-list: the group's swarm key only) and, as group mode does,
#          BEP 14 under the group's key; no --peer
# fleet_ferry_get reads it for the downloads, sw_ferryd_discovery for the finished hosts' ferryd,
# which announces in the same way (lan: its default; group: --download-mode group --group-id
# --tracker).
FLEET_DISCOVERY=${FLEET_DISCOVERY:-peers}
case "$FLEET_DISCOVERY" in peers | lan | group) ;; *) die "FLEET_DISCOVERY is peers, lan or group, not '$FLEET_DISCOVERY'" ;; esac
sw_tracker_port=6969

# ---- How a Ferry host runs ------------------------------------------------------------------------
# FLEET_FERRY (environment, or --swarm-ferry):
#   daemon    as Delivery Optimization runs: ferryd is up in every host before the run starts (its
#             own data directory, peer port 6881, the discovery below), ferry get runs through it
#             (--socket), and the same ferryd serves the finished file on from its cache for peers
#             (DOMinFileSizeToCache set to 1 MB in its settings file, so that small test files are
#             kept): no gap, one JVM serving per host
#   embedded  ferry get --no-daemon --peer-port 6881 (its own JVM and engine); once it has ended,
#             ferry daemon starts in the host and ferry do seed offers the file: a gap while
#             nothing listens on the host's port, two or three JVMs per host
FLEET_FERRY=${FLEET_FERRY:-daemon}
case "$FLEET_FERRY" in daemon | embedded) ;; *) die "FLEET_FERRY is daemon or embedded, not '$FLEET_FERRY'" ;; esac

sw_port=6881
sw_id=$$
sw_br="fsw$sw_id"
sw_made=0
sw_nets=()
sw_ns() { echo "fsw$sw_id-$1"; }
sw_addr() { case "$1" in o) echo 10.88.0.1 ;; t) echo 10.88.0.2 ;; h*) echo "10.88.1.${1#h}" ;; esac; }

# rate_bits RATE: tc's rate (N, Nbit, Nkbit, Nmbit, Ngbit; bits per second) in bits per second.
rate_bits() {
  case "$1" in
    *[0-9]gbit) echo $((${1%gbit} * 1000000000)) ;;
    *[0-9]mbit) echo $((${1%mbit} * 1000000)) ;;
    *[0-9]kbit) echo $((${1%kbit} * 1000)) ;;
    *[0-9]bit) echo "${1%bit}" ;;
    *) die "rate '$1': give bits per second as tc does, such as 50mbit (integers; kbit, mbit, gbit)" ;;
  esac
}

# sw_cleanup: every process in the scenario's namespaces (all started by it), the namespaces, the
# bridge. Called by bench/run's cleanup, however the harness exits (Ctrl-C included).
sw_cleanup() {
  [ "$sw_made" = 1 ] || return 0
  local ns pid pids=()
  # Ends the loops that hold libtorrent's standard input open.
  [ -z "${sw_stopfile:-}" ] || [ ! -d "$(dirname "$sw_stopfile")" ] || : >"$sw_stopfile"
  for ns in "${sw_nets[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do pids+=("$pid"); done
  done
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 30); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  [ ${#pids[@]} -eq 0 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
  for ns in "${sw_nets[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$sw_br" 2>/dev/null || true
  sw_nets=()
  sw_made=0
}

# sw_node NAME UP DOWN: a namespace with lo up, a veth on the bridge, its address in 10.88.0.0/16,
# a route for multicast (LSD), tbf at UP on its egress and at DOWN (unless empty) towards it.
sw_node() {
  local k=$1 up=$2 down=$3 ns link="v$sw_id$1"
  ns=$(sw_ns "$k")
  ip netns add "$ns" || return 1
  sw_nets+=("$ns")
  ip -n "$ns" link set lo up &&
    ip link add "$link" type veth peer name eth0 netns "$ns" &&
    ip link set "$link" master "$sw_br" up &&
    ip -n "$ns" addr add "$(sw_addr "$k")/16" dev eth0 &&
    ip -n "$ns" link set eth0 up &&
    ip -n "$ns" route add 224.0.0.0/4 dev eth0 &&
    ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate "$up" burst "$(sw_burst "$up")" latency 100ms || return 1
  [ -z "$down" ] || tc qdisc add dev "$link" root tbf rate "$down" burst "$(sw_burst "$down")" latency 100ms
}
# tbf's bucket: 10 ms at the rate, at least 16 KB (more than a frame, and than a 4 ms timer tick).
sw_burst() { awk -v r="$(rate_bits "$1")" 'BEGIN { b = r / 8 / 100; if (b < 16000) b = 16000; printf "%d", b }'; }

sw_setup() {
  mkdir -p "$results/logs"
  if [ "$(id -u)" != 0 ]; then
    say "== swarm: skipped: its hosts are network namespaces, which need root (run bench/run as root)"
    return 1
  fi
  if ! have tc || ! have ip; then
    say "== swarm: skipped: needs ip and tc (apt-get install iproute2)"
    return 1
  fi
  # Leftovers of an earlier run that could not clean up (killed with SIGKILL): fsw<pid>-* of dead pids.
  local ns p
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep '^fsw[0-9]*-' || true); do
    p=${ns#fsw}
    p=${p%%-*}
    kill -0 "$p" 2>/dev/null || { ip netns del "$ns" 2>/dev/null || true; ip link del "fsw$p" 2>/dev/null || true; }
  done
  if ! ip netns add "$(sw_ns probe)" 2>"$results/logs/swarm-netns.log"; then
    say "== swarm: skipped: the kernel refused a network namespace ($(head -c 200 "$results/logs/swarm-netns.log"))"
    return 1
  fi
  ip netns del "$(sw_ns probe)"
  sw_made=1
  ip link add "$sw_br" type bridge && ip link set "$sw_br" up || { say "== swarm: skipped: no bridge"; return 1; }
  local i
  sw_node o "$swarm_origin_rate" "" || { say "== swarm: skipped: the origin's namespace failed"; return 1; }
  if [ "$FLEET_DISCOVERY" = group ]; then
    # The tracker: a namespace of its own, so that the origin's counters hold the origin's bytes.
    sw_node t 1gbit "" || { say "== swarm: skipped: the tracker's namespace failed"; return 1; }
  fi
  for ((i = 1; i <= swarm_hosts; i++)); do
    sw_node "h$i" "$swarm_up" "$swarm_down" || { say "== swarm: skipped: host $i's namespace failed"; return 1; }
  done
}

# The origin: nginx in its own namespace on 10.88.0.1:80, serving www; its log has $bytes_sent
# (headers included) per response.
sw_start_origin() {
  local d="$scratch/swarm/origin"
  rm -rf "$d" && mkdir -p "$d/logs"
  cat >"$d/nginx.conf" <<EOF
# Generated by bench/run (swarm): the origin, in the namespace $(sw_ns o).
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
  # The first field is what bench/run sums; the rest is for reading: which ranges went to whom.
  log_format sent '\$bytes_sent \$status "\$http_range" \$remote_addr \$request_time \$msec';
  access_log $d/logs/sent.log sent;
  client_body_temp_path $d/tmp_body;
  proxy_temp_path $d/tmp_proxy;
  fastcgi_temp_path $d/tmp_fcgi;
  uwsgi_temp_path $d/tmp_uwsgi;
  scgi_temp_path $d/tmp_scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type application/octet-stream;
  server { listen $(sw_addr o):80; root $www; }
}
EOF
  ip netns exec "$(sw_ns o)" nginx -e "$d/logs/error.log" -p "$d/" -c "$d/nginx.conf" ||
    die "swarm: nginx did not start in $(sw_ns o) (see $d/logs/error.log)"
  local ok=0
  for _ in $(seq 1 50); do
    ip netns exec "$(sw_ns h1)" curl -sf -o /dev/null -I "http://$(sw_addr o)/prime.bin" && { ok=1; break; }
    sleep 0.1
  done
  [ "$ok" = 1 ] || die "swarm: host 1 cannot reach the origin at http://$(sw_addr o)/"
  sw_origin_log="$d/logs/sent.log"
}

sw_origin_wire() { # bytes the origin's interface has sent (frames), from tbf's counter
  ip netns exec "$(sw_ns o)" tc -s qdisc show dev eth0 | awk '/Sent/ { print $2; exit }'
}

# sw_peers_of I: the hosts host I is told of: all others, or the --swarm-peers K after it (in a ring).
sw_peers_of() {
  local i=$1 j k n=$swarm_hosts want=$swarm_peers
  [ "$want" -gt 0 ] && [ "$want" -lt "$n" ] || want=$((n - 1))
  for ((k = 1; k <= want; k++)); do
    j=$(((i - 1 + k) % n + 1))
    echo "$j"
  done
}

# fleet_ferry_get I OUT HD: the command line of Ferry host I's download (sets cmd=(...)), HD being
# the host's directory: through the host's ferryd on HD/ferryd.sock (FLEET_FERRY=daemon), or the
# embedded engine (HD/data, no daemon) listening for peers on 6881 while it runs. The one place
# that says how hosts find each other (FLEET_DISCOVERY, above).
fleet_ferry_get() {
  local i=$1 out=$2 hd=$3 j
  if [ "$FLEET_FERRY" = daemon ]; then
    # ferryd's client: ferryd has its own port and data directory. Were ferryd not to answer on
    # the socket, ferry would use the embedded engine of --data-dir (a directory of the host's
    # own, never the user's default); sw_run checks that the download ran in ferryd.
    cmd=("${sw_java_get[@]}" -jar "$ferry_jar" --socket "$hd/ferryd.sock" --data-dir "$hd/client-data"
      get "$sw_url" -o "$out" --torrent "$pf_torrent" -q --json)
  else
    cmd=("${sw_java_get[@]}" -jar "$ferry_jar" get "$sw_url" -o "$out" --torrent "$pf_torrent"
      --peer-port "$sw_port" --data-dir "$hd/data" --no-daemon -q --json)
  fi
  case "$FLEET_DISCOVERY" in
    peers) for j in $(sw_peers_of "$i"); do cmd+=(--peer "$(sw_addr "h$j"):$sw_port"); done ;;
    lan) cmd+=(--mode lan) ;;
    group) cmd+=(--mode group --group "$sw_group" --tracker "$sw_tracker") ;;
  esac
}

# sw_ferryd_discovery: the options of a host's ferry daemon: the machine's mode, in which it seeds a
# file (ferry do seed has none of its own) and keeps completed downloads for peers, announced as the
# downloads announce them. A download's own --mode, --group and --tracker (job properties) take
# the machine's place for the download itself.
sw_ferryd_discovery() {
  case "$FLEET_DISCOVERY" in
    peers) ;; # ferryd's defaults (LAN, BEP 14): the hosts' sessions dial it again by address anyway
    lan) echo --download-mode lan ;; # its default, said: BEP 14 on, the public key, this subnet's peers
    group) echo --download-mode group --group-id "$sw_group" --tracker "$sw_tracker" ;;
  esac
}

# The group's tracker (FLEET_DISCOVERY=group): Debian's opentracker, which is built allow-list
# only (-w: the allowed 20-byte keys, 40 hex digits a line); run as root it chroots into -d and
# becomes nobody, so the directory and the list are readable by anyone. A fresh one for each run:
# no peer of an earlier run is handed out.
sw_start_tracker() {
  local d=$1 ns
  ns=$(sw_ns t)
  mkdir -p "$d/tracker"
  chmod 755 "$d/tracker"
  echo "$sw_group_key" >"$d/tracker/allowed.txt"
  chmod 644 "$d/tracker/allowed.txt"
  ip netns exec "$ns" /usr/bin/opentracker -i "$(sw_addr t)" -p "$sw_tracker_port" -P "$sw_tracker_port" \
    -d "$d/tracker" -w allowed.txt >"$d/tracker.log" 2>&1 &
  sw_tracker_pid=$!
  for _ in $(seq 1 100); do
    ip netns exec "$(sw_ns h1)" curl -s -o /dev/null "http://$(sw_addr t):$sw_tracker_port/scrape" && return 0
    kill -0 "$sw_tracker_pid" 2>/dev/null || die "swarm: opentracker ended: $(head -c 400 "$d/tracker.log")"
    sleep 0.1
  done
  die "swarm: opentracker does not answer on $(sw_addr t):$sw_tracker_port ($d/tracker.log)"
}

# sw_scrape_tracker: the tracker's counts for the group's key (complete, incomplete, downloaded),
# as one line, asked from host 1's namespace.
sw_scrape_tracker() {
  ip netns exec "$(sw_ns h1)" /usr/bin/python3 - "http://$(sw_addr t):$sw_tracker_port/scrape" "$sw_group_key" <<'PY' 2>&1
import re, sys, urllib.parse, urllib.request
url, key = sys.argv[1], bytes.fromhex(sys.argv[2])
body = urllib.request.urlopen(url + "?info_hash=" + urllib.parse.quote(key, safe=""), timeout=5).read()
counts = {k.decode(): int(v) for k, v in re.findall(rb"(complete|incomplete|downloaded)i(\d+)e", body)}
print("seeders %s, leechers %s, completed %s" % (counts.get("complete", "?"), counts.get("incomplete", "?"), counts.get("downloaded", "?")))
PY
}

sw_stop_tracker() {
  [ -n "${sw_tracker_pid:-}" ] || return 0
  kill -TERM "$sw_tracker_pid" 2>/dev/null || true
  wait "$sw_tracker_pid" 2>/dev/null || true
  sw_tracker_pid=""
}

# sw_ferryd I HD DATA: starts ferry daemon in host I's namespace in the background (socket
# HD/ferryd.sock, data directory DATA, peer port 6881, the discovery's options), its pid in
# HD/ferryd.pid and in sw_ferryd_pid.
sw_ferryd() {
  local i=$1 hd=$2 data=$3
  # shellcheck disable=SC2086,SC2046 # lists of options
  ip netns exec "$(sw_ns "h$i")" "$JAVA_HOME/bin/java" $(ferry_jvm_options_for daemon) "${extra_java[@]}" -jar "$ferry_jar" \
    --socket "$hd/ferryd.sock" --data-dir "$data" daemon --peer-port "$sw_port" $(sw_ferryd_discovery) \
    >"$hd/ferryd.log" 2>&1 &
  sw_ferryd_pid=$!
  echo "$sw_ferryd_pid" >"$hd/ferryd.pid"
}

# sw_start_ferryds DIR N (FLEET_FERRY=daemon): ferryd in hosts 1 to N, each with the machine
# settings file made once per scenario (sw_ferryd_config), until every socket is up: the service
# runs before the downloads start, as DO's does. Each ferryd's CPU once up goes to
# ferryd-start-cpu. Sets sw_ferryd_pids. False when one did not come up.
sw_start_ferryds() {
  local d=$1 n=$2 i hd up t_start
  sw_ferryd_pids=()
  for ((i = 1; i <= n; i++)); do
    hd="$d/h$i"
    mkdir -p "$hd/out"
    mkdir -m 700 "$hd/ferryd-data"
    install -m 600 "$sw_ferryd_config" "$hd/ferryd-data/ferryd.json"
    sw_ferryd "$i" "$hd" "$hd/ferryd-data"
    sw_ferryd_pids+=("$sw_ferryd_pid")
  done
  t_start=$(date +%s)
  while :; do
    up=0
    for ((i = 1; i <= n; i++)); do
      hd="$d/h$i"
      if [ -S "$hd/ferryd.sock" ]; then
        up=$((up + 1))
        [ -f "$hd/ferryd-start-cpu" ] || proc_cpu "$(cat "$hd/ferryd.pid")" >"$hd/ferryd-start-cpu"
      elif ! kill -0 "$(cat "$hd/ferryd.pid")" 2>/dev/null; then
        note "swarm: host $i's ferryd ended before its socket was up: $hd/ferryd.log"
        return 1
      fi
    done
    [ "$up" -lt "$n" ] || break
    # 8 ferryds took up to 155 s here with other fleets running (bench/README.md); 16 twice that.
    if [ $(($(date +%s) - t_start)) -gt 1200 ]; then
      note "swarm: $up of $n ferryds up after 1200 s"
      return 1
    fi
    sleep 0.2
  done
  say "   ferryd up in all $n hosts after $(($(date +%s) - t_start)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

# sw_ferry_host I DIR DELAY MODE: one Ferry host, run in the background: waits DELAY seconds, runs
# its ferry get (MODE swarm: fleet_ferry_get; alone: the URL alone, no torrent, no peers, the
# embedded engine), notes start and end. Then, in a swarm run, the file is served until the harness
# says all are done: FLEET_FERRY=daemon, by the ferryd that ran the download (its CPU and RSS at the
# end are noted, and whether its cache for peers lists the content); embedded, by a ferryd started
# in the namespace on the same port once the get has ended, which seeds the file by the same
# torrent (ferry daemon, then ferry do seed).
sw_ferry_host() {
  local i=$1 d=$2 delay=$3 mode=$4 ns hd="$2/h$1" rc=0
  ns=$(sw_ns "h$i")
  mkdir -p "$hd/out"
  sleep "$delay"
  if [ "$mode" = swarm ]; then
    fleet_ferry_get "$i" "$hd/out/$pf_name" "$hd"
  else
    cmd=("${sw_java_get[@]}" -jar "$ferry_jar" get "$sw_url" -o "$hd/out/$pf_name" --data-dir "$hd/data" --no-daemon -q --json)
  fi
  printf '%s\n' "${cmd[@]}" >"$hd/cmdline"
  date +%s%N >"$hd/start"
  ip netns exec "$ns" /usr/bin/time -f '%e %U %S %M' -o "$hd/time" "${cmd[@]}" >"$hd/get.json" 2>"$hd/get.log" || rc=$?
  local end
  end=$(date +%s%N)
  if [ "$mode" = swarm ] && [ "$FLEET_FERRY" = daemon ]; then
    # The host's ferryd, which ran the download, when it ended: its CPU and peak RSS so far.
    local dpid
    dpid=$(cat "$hd/ferryd.pid")
    echo "$(proc_cpu "$dpid") $(awk '/VmHWM/ { print $2 }' "/proc/$dpid/status" 2>/dev/null || echo 0)" >"$hd/ferryd-finish"
    echo "$end $rc" >"$hd/end"
    # It serves on from its cache for peers, which took the file before the job ended (the
    # transfer's end waits for the copy): no gap when the cache lists the content now.
    if [ "$rc" = 0 ] && curl -sf --max-time 60 --unix-socket "$hd/ferryd.sock" http://localhost/v1/cache >"$hd/cache.json" &&
      grep -q "\"$sw_info_hash\"" "$hd/cache.json"; then
      echo "$end" >"$hd/serving"
    fi
    return 0
  fi
  echo "$end $rc" >"$hd/end"
  [ "$mode" = swarm ] && [ "$rc" = 0 ] && [ ! -e "$sw_stopfile" ] || return 0
  # ferry get ended with its download, and with it its listener: ferryd starts in the namespace on
  # the same port and seeds the finished file by the same torrent (ferry daemon, then do seed).
  sw_ferryd "$i" "$hd" "$hd/serve-data"
  local dpid=$sw_ferryd_pid
  for _ in $(seq 1 600); do
    [ -S "$hd/ferryd.sock" ] && break
    kill -0 "$dpid" 2>/dev/null || break
    [ ! -e "$sw_stopfile" ] || break
    sleep 0.1
  done
  if [ -e "$sw_stopfile" ]; then
    echo "bench/run: every host finished before this one's ferryd was up" >>"$hd/seed.log"
  elif "${sw_java_seed[@]}" -jar "$ferry_jar" --socket "$hd/ferryd.sock" do seed "$hd/out/$pf_name" --torrent "$pf_torrent" \
    >"$hd/seed.log" 2>&1; then
    date +%s%N >"$hd/serving"
  else
    echo "bench/run: ferry do seed failed" >>"$hd/seed.log"
  fi
  wait "$dpid" 2>/dev/null || true
}

# sw_lt_host I DIR DELAY: one libtorrent host (bench/lt-peer.py swarm): told of the seed standing
# for the origin and of the same hosts a Ferry host is told of; serves in the same process after
# it has finished, until the harness says all are done.
sw_lt_host() {
  local i=$1 d=$2 delay=$3 ns hd="$2/h$1" rc=0 j peers=()
  ns=$(sw_ns "h$i")
  mkdir -p "$hd/out"
  sleep "$delay"
  peers=("$(sw_addr o):$sw_port")
  for j in $(sw_peers_of "$i"); do peers+=("$(sw_addr "h$j"):$sw_port"); done
  date +%s%N >"$hd/start"
  ip netns exec "$ns" /usr/bin/time -f '%e %U %S %M' -o "$hd/time" "${lt_peer[@]}" swarm "$pf_torrent" "$hd/out" \
    "$(sw_addr "h$i"):$sw_port" "${peers[@]}" >"$hd/lt.out" 2>"$hd/lt.log" \
    < <(while [ ! -e "$sw_stopfile" ]; do sleep 0.2; done) || rc=$?
  # Its finish is the line it printed; a host that never printed one failed.
  local fin
  fin=$(awk '$1 == "finished" { print $2 }' "$hd/lt.out")
  if [ -n "$fin" ]; then rc=0; elif [ "$rc" = 0 ]; then rc=1; fi
  echo "${fin:-$(date +%s%N)} $rc" >"$hd/end"
}

# sw_wait_all DIR TIMEOUT: until every host has an end (or lt.out's finished line), or TIMEOUT s.
sw_wait_all() {
  local d=$1 limit=$2 i done t_start
  t_start=$(date +%s)
  while :; do
    done=0
    for ((i = 1; i <= swarm_hosts; i++)); do
      if [ -e "$d/h$i/end" ] || grep -qs '^finished ' "$d/h$i/lt.out"; then done=$((done + 1)); fi
    done
    [ "$done" -lt "$swarm_hosts" ] || return 0
    if [ $(($(date +%s) - t_start)) -gt "$limit" ]; then
      note "swarm: $done of $swarm_hosts hosts finished after $limit s; stopping the rest"
      return 1
    fi
    sleep 0.2
  done
}

# sw_stop_hosts PID...: stops the processes in the hosts' namespaces (the ferryds, libtorrent,
# stragglers) until the hosts' shells (PIDs) have ended: again each second, since a ferryd may start
# just after a sweep; SIGKILL after 60 s.
sw_stop_hosts() {
  local i pid sig=TERM t alive
  for t in $(seq 1 120); do
    [ "$t" -le 60 ] || sig=KILL
    for ((i = 1; i <= swarm_hosts; i++)); do
      for pid in $(ip netns pids "$(sw_ns "h$i")" 2>/dev/null); do kill -"$sig" "$pid" 2>/dev/null || true; done
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      alive=0
      for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ "$alive" = 1 ] || return 0
      sleep 0.1
    done
  done
}

sw_json_field() { # FILE FIELD: the last integer FIELD of a --json record; nothing when it has none
  { grep -o "\"$2\":[0-9]*" "$1" 2>/dev/null || true; } | tail -n 1 | cut -d: -f2
}

# sw_run TOOL REP ORDER STAGGER: one run of the fleet (TOOL ferry or libtorrent; ferry-alone: host 1
# alone from the origin); per-host rows in swarm-hosts.csv, the run in swarm-runs.csv and runs.csv.
sw_run() {
  local tool=$1 rep=$2 order=$3 stagger=$4 d="$scratch/swarm/run" i name=$1 n=$swarm_hosts
  [ "$stagger" = 0 ] || name="$tool-stagger"
  [ "$tool" != ferry-alone ] || n=1
  rm -rf "$d" && mkdir -p "$d"
  sw_stopfile="$d/all-done"
  local lt_seed_pid="" lt_seed_out="$d/lt-seed.out"
  if [ "$tool" = libtorrent ]; then
    # The origin's stand-in: a libtorrent seed in the origin's namespace, behind its rate limit.
    mkdir -p "$d/seed"
    ln "$www/$pf_name" "$d/seed/$pf_hex"
    ip netns exec "$(sw_ns o)" "${lt_peer[@]}" seed "$pf_torrent" "$d/seed" "$(sw_addr o):$sw_port" >"$lt_seed_out" \
      2>"$d/lt-seed.log" < <(while [ ! -e "$sw_stopfile" ]; do sleep 0.2; done) &
    lt_seed_pid=$!
    for _ in $(seq 1 600); do
      grep -q '^port ' "$lt_seed_out" 2>/dev/null && break
      kill -0 "$lt_seed_pid" 2>/dev/null || die "swarm: the libtorrent seed ended: $d/lt-seed.log"
      sleep 0.1
    done
  fi
  local scrape="" way="" ferryds_up=1
  case "$tool" in ferry) way=$FLEET_FERRY ;; ferry-alone) way=embedded ;; esac
  [ "$tool" != ferry ] || [ "$FLEET_DISCOVERY" != group ] || sw_start_tracker "$d"
  sw_ferryd_pids=()
  if [ "$way" = daemon ]; then
    sw_start_ferryds "$d" "$n" || ferryds_up=0
  fi
  sync
  : >"$sw_origin_log"
  local wire0 t0 pids=()
  wire0=$(sw_origin_wire)
  t0=$(date +%s%N)
  for ((i = 1; i <= n; i++)); do
    local delay
    delay=$(awk -v i="$i" -v s="$stagger" 'BEGIN { print (i - 1) * s }')
    if [ "$ferryds_up" = 0 ]; then
      # Not every ferryd came up: no download runs (a host without its ferryd would fall back to
      # the embedded engine), and every host counts as failed.
      echo "$(date +%s%N) 125" >"$d/h$i/end"
      continue
    fi
    case "$tool" in
      # (Their shells' own messages, such as "Terminated" when the harness stops a host, go to a log.)
      ferry) sw_ferry_host "$i" "$d" "$delay" swarm 2>>"$d/shells.log" & ;;
      ferry-alone) sw_ferry_host "$i" "$d" 0 alone 2>>"$d/shells.log" & ;;
      libtorrent) sw_lt_host "$i" "$d" "$delay" 2>>"$d/shells.log" & ;;
    esac
    pids+=($!)
  done
  local limit all_ok=$ferryds_up
  limit=$(awk -v s="$sw_all_alone_s" -v g="$stagger" -v n="$n" 'BEGIN { printf "%d", 2 * s + (n - 1) * g + 120 }')
  [ "$n" -gt 1 ] || limit=$(awk -v s="$sw_alone_s" 'BEGIN { printf "%d", 3 * s + 120 }')
  sw_wait_all_n "$d" "$limit" "$n" || all_ok=0
  # Everyone is done: what the serving processes used, then stop them all.
  local serve_cpu=0 serve_rss_max=0
  for ((i = 1; i <= n; i++)); do
    local p
    p=$(cat "$d/h$i/ferryd.pid" 2>/dev/null || true)
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      echo "$(proc_cpu "$p") $(awk '/VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)" >"$d/h$i/serve"
      # All ferryd sent to peers (its metrics count every block): the download's uploads and the
      # serving after it (daemon), or the serving after the get (embedded).
      curl -sf --max-time 60 --unix-socket "$d/h$i/ferryd.sock" http://localhost/metrics 2>/dev/null |
        awk '/^ferry_peer_uploaded_bytes_total/ { s += $2 } END { printf "%.0f\n", s }' >"$d/h$i/ferryd-uploaded" || true
    fi
  done
  # What the tracker knew of the group's key while the finished hosts' ferryds still served.
  [ -z "${sw_tracker_pid:-}" ] || { scrape=$(sw_scrape_tracker); echo "$scrape" >"$d/tracker-scrape.txt"; }
  touch "$sw_stopfile"
  sw_stop_hosts "${pids[@]}" "${sw_ferryd_pids[@]}"
  sw_stop_tracker
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$lt_seed_pid" ]; then
    wait "$lt_seed_pid" 2>/dev/null || true
  fi
  sleep 0.3 # nginx logs a response as its connection closes
  local wire1 origin_http origin_wire origin_payload
  wire1=$(sw_origin_wire)
  origin_wire=$((wire1 - wire0))
  origin_http=$(awk '{ s += $1 } END { printf "%.0f", s }' "$sw_origin_log")
  if [ "$tool" = libtorrent ]; then
    origin_payload=$(awk '$1 == "uploaded" { print $2 }' "$lt_seed_out")
  else
    origin_payload=$origin_http
  fi
  # Per host: start, finish, exit, checked output, CPU and RSS (until finished), bytes by source.
  local last=0 sum_user=0 sum_sys=0 sum_cpu=0 rss_max=0 rc_max=0 http_sum=0 peers_sum=0 serve_sum=0 ok_n=0
  local up_sum=0 start_cpu_sum=0
  local sha
  sha=$(cat "$www/$pf_name.sha256")
  for ((i = 1; i <= n; i++)); do
    local hd="$d/h$i" start end rc fin user=0 sys=0 cpu=0 rss=0 http="" peers="" scpu="" srss="" out ok=0 serving=""
    local up="" fcpu="" fhwm="" start_cpu="" keep_ms="" in_ferryd=1
    start=$(cat "$hd/start" 2>/dev/null || echo "$t0")
    read -r end rc <"$hd/end" 2>/dev/null || { end=$(date +%s%N); rc=124; }
    if [ "$tool" = libtorrent ]; then
      # CPU and RSS until it finished, as the process itself measured them.
      read -r _ fin cpu rss < <(awk '$1 == "finished"' "$hd/lt.out") || true
      cpu=${cpu:-0} rss=${rss:-0}
      out="$hd/out/$pf_hex"
    else
      # The last line: /usr/bin/time writes "Command exited with non-zero status N" (or "Command
      # terminated by signal N") before it when the download failed.
      read -r _ user sys rss < <(tail -n 1 "$hd/time" 2>/dev/null) || true
      user=${user:-0} sys=${sys:-0} rss=${rss:-0}
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
      http=$(sw_json_field "$hd/get.json" bytesFromHttp)
      peers=$(sw_json_field "$hd/get.json" bytesFromPeers)
      [ ! -f "$hd/serve" ] || read -r scpu srss <"$hd/serve"
      # Sent to peers: ferryd's count (daemon: the download's and the serving after it; embedded:
      # the serving after the get), plus, embedded, what the get sent while it ran (its --json).
      [ ! -f "$hd/ferryd-uploaded" ] || up=$(cat "$hd/ferryd-uploaded")
      if [ "$way" = embedded ]; then
        up=$((${up:-0} + $(sw_json_field "$hd/get.json" bytesToPeers || true) + 0))
      fi
      if [ "$way" = daemon ]; then
        # The host's CPU and peak RSS: the client's (/usr/bin/time) and ferryd's when the get
        # ended, ferryd's start before the run included (also apart, as ferryd_start_cpu_s); its
        # serving CPU is what it used after that.
        [ ! -f "$hd/ferryd-finish" ] || read -r fcpu fhwm <"$hd/ferryd-finish"
        start_cpu=$(cat "$hd/ferryd-start-cpu" 2>/dev/null || echo 0)
        cpu=$(awk -v c="$cpu" -v f="${fcpu:-0}" 'BEGIN { printf "%.2f", c + f }')
        rss=$((${rss%.*} + ${fhwm:-0}))
        [ -z "$scpu" ] || scpu=$(awk -v e="$scpu" -v f="${fcpu:-0}" 'BEGIN { printf "%.2f", e - f }')
        start_cpu_sum=$(awk -v a="$start_cpu_sum" -v b="$start_cpu" 'BEGIN { print a + b }')
        # How long the download's end waited for ferryd to copy the file into its cache for
        # peers and check the copy (CachedSeeds' log line).
        keep_ms=$(grep -o 'msg="kept for peers".* ms=[0-9]*' "$hd/ferryd.log" 2>/dev/null | tail -n 1 | sed 's/.* ms=//' || true)
        grep -qs 'msg="job completed"' "$hd/ferryd.log" || in_ferryd=0
      fi
      # When the host served the file again: daemon, when the get ended, if ferryd's cache for
      # peers listed the content then (it took it before the download's end); embedded, when
      # ferry do seed returned. From the run's start.
      [ ! -f "$hd/serving" ] || serving=$(awk -v a="$t0" -v b="$(cat "$hd/serving")" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
      out="$hd/out/$pf_name"
    fi
    [ "$rc" = 0 ] && [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha" ] && ok=1
    if [ "$in_ferryd" = 0 ] && [ "$ok" = 1 ]; then
      ok=0
      note "swarm/$name rep $rep: host $i's download did not run in its ferryd (no job in $hd/ferryd.log)"
    fi
    [ "$ok" = 1 ] || { all_ok=0; note "swarm/$name rep $rep: host $i failed (exit $rc): $hd"; }
    ok_n=$((ok_n + ok))
    local fin_s start_s
    start_s=$(awk -v a="$t0" -v b="$start" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    fin_s=$(awk -v a="$t0" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    echo "$name,$rep,$i,$start_s,$fin_s,$rc,$ok,$cpu,$rss,$http,$peers,$scpu,$srss,$serving,$up,$fcpu,$fhwm,$start_cpu,$keep_ms" >>"$sw_hosts_csv"
    last=$(awk -v a="$last" -v b="$fin_s" 'BEGIN { print (b > a ? b : a) }')
    sum_user=$(awk -v a="$sum_user" -v b="$user" 'BEGIN { print a + b }')
    sum_sys=$(awk -v a="$sum_sys" -v b="$sys" 'BEGIN { print a + b }')
    sum_cpu=$(awk -v a="$sum_cpu" -v b="$cpu" 'BEGIN { print a + b }')
    serve_sum=$(awk -v a="$serve_sum" -v b="${scpu:-0}" 'BEGIN { print a + b }')
    [ "${rss%.*}" -le "$rss_max" ] || rss_max=${rss%.*}
    [ "$rc" -le "$rc_max" ] 2>/dev/null || rc_max=$rc
    http_sum=$((http_sum + ${http:-0}))
    peers_sum=$((peers_sum + ${peers:-0}))
    up_sum=$((up_sum + ${up:-0}))
  done
  local bytes_http="" bytes_peers=""
  [ "$tool" = libtorrent ] || { bytes_http=$http_sum; bytes_peers=$peers_sum; }
  echo "swarm,$name,$rep,$order,$last,$sum_user,$sum_sys,$sum_cpu,$rss_max,$rc_max,$all_ok,$swarm_b,$bytes_http,$bytes_peers,$serve_sum" >>"$csv"
  local bytes_up=""
  [ "$tool" = libtorrent ] || bytes_up=$up_sum
  echo "$name,$rep,$n,$stagger,$last,$ok_n,$origin_payload,$origin_http,$origin_wire,$sum_cpu,$serve_sum,$bytes_http,$bytes_peers,$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'),$way,$bytes_up,$start_cpu_sum" >>"$sw_runs_csv"
  printf '  %-18s rep %d/%d: last host %8.3f s  %d/%d ok  origin sent %.2f x file  cpu %.1f s (+ %.1f s serving)%s%s\n' "$name" "$rep" \
    "$swarm_reps" "$last" "$ok_n" "$n" "$(awk -v o="$origin_payload" -v f="$swarm_b" 'BEGIN { print (o == "" ? 0 : o / f) }')" \
    "$sum_cpu" "$serve_sum" "$([ -z "$bytes_peers" ] || awk -v p="$peers_sum" -v h="$http_sum" -v u="$up_sum" 'BEGIN { printf "  peers %.1f MB, http %.1f MB, uploaded %.1f MB", p / 1e6, h / 1e6, u / 1e6 }')" \
    "$([ -z "$way" ] || echo "  ($way)")" >&2
  [ -z "$scrape" ] || echo "                     tracker, the group's key, before the ferryds stopped: $scrape" >&2
  if [ "$way" = embedded ] && [ "$tool" = ferry ]; then
    local gaps
    gaps=$(awk -F, -v t="$name" -v r="$rep" '$1 == t && $2 == r && $14 != "" { print $14 - $5 }' "$sw_hosts_csv" | sort -g |
      awk '{ a[NR] = $1 } END { if (NR) printf "%d of the finished hosts served again (ferryd up, ferry do seed done) %.1f to %.1f s after their get ended", NR, a[1], a[NR] }')
    [ -z "$gaps" ] || echo "                     $gaps" >&2
  elif [ "$way" = daemon ]; then
    echo "                     $(awk -F, -v t="$name" -v r="$rep" '$1 == t && $2 == r && $7 == 1 { n++; if ($14 != "") { s++; k[s] = $19 } }
      function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { printf "%d of the %d finished hosts served on with no gap (their ferryd'"'"'s cache for peers held the content when the get ended)", s, n
        if (s) printf "; keeping it held the download'"'"'s end %.0f ms (median)", med(k, s) }' "$sw_hosts_csv")" >&2
  fi
  # Keep the run's logs (not the outputs) with the results.
  mkdir -p "$results/logs/swarm-$name-$rep"
  (cd "$d" && find . -type f \( -name '*.log' -o -name '*.json' -o -name '*.out' -o -name '*.txt' -o -name time -o -name cmdline \) -print0 |
    xargs -0 -r cp --parents -t "$results/logs/swarm-$name-$rep") 2>/dev/null || true
  # What the origin sent to whom and when (nginx's log of this run), to tell copies apart.
  cp "$sw_origin_log" "$results/logs/swarm-$name-$rep/origin-sent.log" 2>/dev/null || true
  rm -rf "$d"
}

sw_wanted() { [[ ",$swarm_runs," == *",$1,"* ]]; } # RUN: whether --swarm-runs names it

sw_wait_all_n() { # DIR TIMEOUT N
  local save=$swarm_hosts rc=0
  swarm_hosts=$3
  sw_wait_all "$1" "$2" || rc=1
  swarm_hosts=$save
  return $rc
}

# The Kumar-Ross lower bound for the configured rates, in seconds.
sw_bounds() {
  local f_bits us u d
  f_bits=$((swarm_b * 8))
  us=$(rate_bits "$swarm_origin_rate")
  u=$(rate_bits "$swarm_up")
  d=$(rate_bits "$swarm_down")
  read -r sw_b_us sw_b_d sw_b_all sw_bound < <(awk -v f="$f_bits" -v us="$us" -v u="$u" -v d="$d" -v n="$swarm_hosts" 'BEGIN {
    a = f / us; b = f / d; c = n * f / (us + n * u); m = a; if (b > m) m = b; if (c > m) m = c
    printf "%.3f %.3f %.3f %.3f\n", a, b, c, m }')
  # One host from the origin alone: F / min(u_s, d); all N from it alone: N F / u_s.
  sw_alone_s=$(awk -v f="$f_bits" -v us="$us" -v d="$d" 'BEGIN { r = us < d ? us : d; printf "%.3f", f / r }')
  sw_all_alone_s=$(awk -v f="$f_bits" -v us="$us" -v n="$swarm_hosts" 'BEGIN { printf "%.3f", n * f / us }')
}

sw_table() {
  say "run                  ok  last s  last/bound  origin/file  wire/file  peers MB   HTTP MB     up MB  CPU s  CPU/host med max  RSS MB med max  serving CPU s  CPU use  way"
  local line
  while IFS=, read -r name rep n stagger last okn payload _ wire cpu serve http peers _ way up start_cpu; do
    [ "$name" != run ] || continue
    line=$(awk -F, -v t="$name" -v r="$rep" '$1 == t && $2 == r { c[++k] = $8; m[k] = $9 }
      function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { for (i = 1; i <= k; i++) { if (c[i] > cm) cm = c[i]; if (m[i] > mm) mm = m[i] }
        printf "%6.2f %6.2f  %7.1f %7.1f", med(c, k), cm, med(m, k) / 1024, mm / 1024 }' "$sw_hosts_csv")
    say "$(awk -v name="$name-$rep" -v n="$n" -v ok="$okn" -v last="$last" -v b="$sw_bound" -v p="$payload" -v w="$wire" -v f="$swarm_b" \
      -v http="$http" -v peers="$peers" -v cpu="$cpu" -v serve="$serve" -v hosts="$line" -v cores="$(nproc)" -v alone="$([ "$n" = 1 ] && echo 1 || echo 0)" \
      -v up="$up" -v way="${way:--}" -v start="${start_cpu:-0}" 'BEGIN {
      ratio = alone ? "-" : sprintf("%.2f", last / b)
      pm = (peers == "") ? "-" : sprintf("%.1f", peers / 1e6); hm = (http == "") ? "-" : sprintf("%.1f", http / 1e6)
      um = (up == "") ? "-" : sprintf("%.1f", up / 1e6)
      # CPU use counts what was used during the run: ferryd'"'"'s start (daemon) came before it.
      printf "%-18s %2d/%-2d %7.2f %11s %12.3f %10.3f %9s %9s %9s %6.1f  %s %14.1f %7.0f%%  %s", name, ok, n, last, ratio, p / f, w / f, pm, hm, um, cpu, hosts, serve, 100 * (cpu + serve - start) / (last * cores), way }')"
  done <"$sw_runs_csv"
}

swarm_scenario() {
  say ""
  sw_setup || { sw_cleanup; return 0; }
  peer_file "big-$swarm_b.bin" "$swarm_b"
  sw_url="http://$(sw_addr o)/$pf_name"
  local aot_opts=()
  [ "$ferry_aot" = none ] || aot_opts=("-XX:AOTCache=$ferry_aot" -Xlog:aot=off -Xlog:cds=off)
  # shellcheck disable=SC2206,SC2046 # lists of options
  sw_java_get=("$JAVA_HOME/bin/java" $(ferry_jvm_options_for --torrent --json) "${aot_opts[@]}" "${extra_java[@]}")
  # shellcheck disable=SC2206,SC2046
  sw_java_seed=("$JAVA_HOME/bin/java" $(ferry_jvm_options_for do seed) "${aot_opts[@]}")
  if [ "$FLEET_DISCOVERY" != peers ] && ! "${ferry_cmd[@]}" get --help 2>&1 | grep -q -- '--mode'; then
    die "FLEET_DISCOVERY=$FLEET_DISCOVERY: this ferry get has no --mode yet; use FLEET_DISCOVERY=peers"
  fi
  sw_info_hash=$(grep -o '"InfoHashV2":"[0-9a-f]*"' "$www/$pf_name.hash.json" | cut -d'"' -f4)
  [ ${#sw_info_hash} = 64 ] || die "swarm: no InfoHashV2 in $www/$pf_name.hash.json"
  if [ "$FLEET_FERRY" = daemon ]; then
    # Each host's ferryd reads its machine settings from DATA-DIR/ferryd.json, as an administrator
    # writes them with ferry do config: DO keeps completed files for peers from DOMinFileSizeToCache
    # (50 MB by default) up, and the fleet's file may be smaller; 1 MB keeps any test size.
    local config_dir="$scratch/swarm/ferryd-config"
    rm -rf "$config_dir"
    "${ferry_cmd[@]}" --data-dir "$config_dir" do config set DOMinFileSizeToCache 1 >"$results/logs/swarm-ferryd-config.log" 2>&1 ||
      die "swarm: ferry do config set DOMinFileSizeToCache 1 failed: $results/logs/swarm-ferryd-config.log"
    sw_ferryd_config="$config_dir/ferryd.json"
    [ -f "$sw_ferryd_config" ] || die "swarm: ferry do config wrote no $sw_ferryd_config"
  fi
  if [ "$FLEET_DISCOVERY" = group ]; then
    [ -x /usr/bin/opentracker ] || die "FLEET_DISCOVERY=group needs Debian's opentracker (apt-get install opentracker)"
    # The group's swarm key (SwarmKey.forGroup): the first 20 bytes of SHA-256("ferry-group" || the
    # Group ID's 16 bytes, big-endian as its text reads || the 32-byte v2 info-hash).
    local info_hash=$sw_info_hash
    sw_group=$(cat /proc/sys/kernel/random/uuid)
    sw_group_key=$(/usr/bin/python3 -c 'import hashlib, sys, uuid
print(hashlib.sha256(b"ferry-group" + uuid.UUID(sys.argv[1]).bytes + bytes.fromhex(sys.argv[2])).hexdigest()[:40])' \
      "$sw_group" "$info_hash")
    sw_tracker="http://$(sw_addr t):$sw_tracker_port/announce"
  fi
  sw_bounds
  sw_start_origin
  sw_hosts_csv="$results/swarm-hosts.csv"
  sw_runs_csv="$results/swarm-runs.csv"
  echo "run,rep,host,start_s,finish_s,exit,ok,cpu_s,max_rss_kb,from_http,from_peers,serve_cpu_s,serve_hwm_kb,serving_s,uploaded,ferryd_cpu_s,ferryd_hwm_kb,ferryd_start_cpu_s,keep_ms" >"$sw_hosts_csv"
  echo "run,rep,hosts,stagger_s,last_s,ok,origin_payload,origin_http,origin_wire,cpu_s,serve_cpu_s,from_http,from_peers,load,ferry_way,uploaded,ferryd_start_cpu_s" >"$sw_runs_csv"
  local discovery="--peer for $( [ "$swarm_peers" -gt 0 ] && [ "$swarm_peers" -lt "$swarm_hosts" ] && echo "$swarm_peers" || echo "all $((swarm_hosts - 1))") other hosts"
  case "$FLEET_DISCOVERY" in
    lan) discovery="--mode lan: BEP 14 local discovery, no --peer; ferryd in LAN mode (its default) seeds under the same key" ;;
    group) discovery="--mode group --group $sw_group --tracker $sw_tracker, no --peer: opentracker at $(sw_addr t) (a namespace of its own, a fresh one each run) allowing the group's key $sw_group_key only, and BEP 14 under that key as group mode does; ferryd --download-mode group --group-id --tracker seeds under the same key" ;;
  esac
  say "== swarm: $swarm_hosts hosts (network namespaces on one bridge, 10.88.1.1-$swarm_hosts) fetch $swarm_size ($swarm_b B) from an origin at $(sw_addr o) (nginx in a namespace of its own, tbf $swarm_origin_rate) and from each other; each host tbf up $swarm_up, down $swarm_down"
  if [ "$FLEET_FERRY" = daemon ]; then
    say "   ferry (--swarm-ferry daemon) = in each host ferry daemon --peer-port $sw_port$(sw_ferryd_discovery | sed 's/^./ &/') (DOMinFileSizeToCache 1 in its ferryd.json), up before the run starts, then ferry --socket SOCK get $sw_url -o FILE --torrent T --json through it (FLEET_DISCOVERY=$FLEET_DISCOVERY: $discovery); the same ferryd serves the finished file on from its cache for peers until all are done"
  else
    say "   ferry (--swarm-ferry embedded) = ferry get $sw_url -o FILE --torrent T --peer-port $sw_port --json (embedded engine, a data dir of its own; FLEET_DISCOVERY=$FLEET_DISCOVERY: $discovery); a finished host keeps serving by ferry daemon --peer-port $sw_port$(sw_ferryd_discovery | sed 's/^./ &/') + ferry do seed FILE --torrent T until all are done"
  fi
  say "   libtorrent = bench/lt-peer.py swarm (libtorrent $(/usr/bin/python3 -c 'import libtorrent; print(libtorrent.__version__)'), plain text, no DHT/LSD/uTP) in each host, told of the same hosts, and of one libtorrent seed in the origin's namespace behind the origin's tbf (bench/lt-peer.py seed) in place of nginx; it serves on after finishing"
  say "   *-stagger: host i starts (i-1) x $swarm_stagger s after host 1; ferry-alone: host 1 alone, ferry get URL (no torrent, no peers)"
  say "   Kumar-Ross bound: max(F/u_s $sw_b_us s, F/d_min $sw_b_d s, N F/(u_s + sum u_i) $sw_b_all s) = $sw_bound s; from the origin alone: one host $sw_alone_s s, all $swarm_hosts hosts N F/u_s = $sw_all_alone_s s"
  say "   runs: $swarm_runs (--swarm-runs); $swarm_reps repetitions; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  local rep order
  for ((rep = 1; rep <= swarm_reps; rep++)); do
    order=0
    for t in ferry libtorrent; do
      sw_wanted "$t" || continue
      order=$((order + 1))
      sw_run "$t" "$rep" "$order" 0
    done
    if [ "$swarm_stagger" != 0 ]; then
      for t in ferry libtorrent; do
        sw_wanted "$t" || continue
        order=$((order + 1))
        sw_run "$t" "$rep" "$order" "$swarm_stagger"
      done
    fi
    if sw_wanted ferry-alone; then
      order=$((order + 1))
      sw_run ferry-alone "$rep" "$order" 0
    fi
  done
  sw_table
  say "   (last s: from the first host's start to the last host's finish; bound: Kumar-Ross for the configured rates, $sw_bound s, whose goal is last/bound <= 1.3 (for simultaneous starts; a staggered run's last host starts $(awk -v s="$swarm_stagger" -v n="$swarm_hosts" 'BEGIN { print (n - 1) * s }') s late); tbf counts Ethernet frames, so TCP payload gets about 95 % of a rate"
  say "    origin/file: what the origin sent over the file's size (ferry: nginx's \$bytes_sent; libtorrent: its seed's payload uploaded), goal <= 1.05; wire/file: the origin's frames (tbf's counter) over the file's size, the same yardstick for both"
  say "    peers MB, HTTP MB: summed over the hosts' ferry get --json; up MB: what the hosts sent to peers, summed (ferryd's metrics, and embedded the get's --json bytesToPeers)"
  say "    CPU s: the downloads' CPU until each host finished, summed (libtorrent: the process's own getrusage at its finish; ferry daemon way: ferryd's CPU from its start, before the run, to the get's end plus the client's); CPU/host and RSS (peak) per host, median and max (daemon way: ferryd's peak so far plus the client's)"
  say "    serving CPU s: ferryd's CPU, summed, in the finished hosts until all were done; CPU use: (CPU s + serving CPU s - ferryd's CPU before the run) / (last s x $(nproc) cores): near 100 % the run measures the CPU, not the links)"
  local f l
  for s in "" -stagger; do
    f=$(awk -F, -v t="ferry$s" '$1 == t && $6 == $3 { print $5 }' "$sw_runs_csv" | median_of)
    l=$(awk -F, -v t="libtorrent$s" '$1 == t && $6 == $3 { print $5 }' "$sw_runs_csv" | median_of)
    [ "$f" = nan ] || [ "$l" = nan ] ||
      say "   ferry$s / libtorrent$s, time to the last host: $(awk -v f="$f" -v l="$l" 'BEGIN { printf "%.2f (%.2f s / %.2f s, medians); goal <= 1: %s", f / l, f, l, (f <= l ? "met" : "not met") }')"
  done
  f=$(awk -F, '$1 == "ferry" && $6 == $3 { print $5 / b }' b="$sw_bound" "$sw_runs_csv" | median_of)
  [ "$f" = nan ] || say "   ferry, last host / Kumar-Ross bound: $(awk -v r="$f" 'BEGIN { printf "%.2f; goal <= 1.3: %s", r, (r <= 1.3 ? "met" : "not met") }')"
  f=$(awk -F, '$1 == "ferry" && $6 == $3 { print $7 / b }' b="$swarm_b" "$sw_runs_csv" | median_of)
  [ "$f" = nan ] || say "   ferry, origin sent / file: $(awk -v r="$f" 'BEGIN { printf "%.3f; goal <= 1.05: %s", r, (r <= 1.05 ? "met" : "not met") }')"
  f=$(awk -F, '$1 ~ /^ferry/ && $14 != "" { print $14 - $5 }' "$sw_hosts_csv" | median_of)
  if [ "$f" != nan ] && [ "$FLEET_FERRY" = daemon ]; then
    say "   ferry: a finished host served on a median $f s after its get ended ($(awk -F, '$1 ~ /^ferry/ && $14 != ""' "$sw_hosts_csv" | wc -l) of $(awk -F, '$1 ~ /^ferry/ && $1 != "ferry-alone" && $7 == 1' "$sw_hosts_csv" | wc -l) finished hosts: the ferryd that downloaded it kept it in its cache for peers first)"
  elif [ "$f" != nan ]; then
    say "   ferry: a finished host served again (ferryd started in its namespace, ferry do seed returned) a median $f s after its get ended ($(awk -F, '$1 ~ /^ferry/ && $14 != ""' "$sw_hosts_csv" | wc -l) hosts; in the meantime nothing listened on its port)"
  fi
  f=$(awk -F, '$1 == "ferry-alone" && $6 == $3 { print $5 }' "$sw_runs_csv" | median_of)
  [ "$f" = nan ] || say "   one host alone from the origin: $f s measured (F/min(u_s, d) = $sw_alone_s s); all $swarm_hosts from the origin alone would take N F/u_s = $sw_all_alone_s s"
  say "   (per-host rows: $sw_hosts_csv; load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
  ip netns exec "$(sw_ns o)" nginx -p "$scratch/swarm/origin/" -c "$scratch/swarm/origin/nginx.conf" -s quit 2>/dev/null || true
  sw_cleanup
}
