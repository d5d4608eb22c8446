# shellcheck shell=bash
# `scripts/cluster selftest --hosts`: Lanes on four hosts made of Linux network namespaces, the README's "On several
# hosts" steps followed to the letter, and the faults a real network has. Sourced by scripts/cluster (it uses its log,
# timed_get, check_fail, node_id and alive); needs root, iproute2 (ip, bridge), curl and python3.
#
# The hosts: one namespace per host (h1..h4, addresses 10.77.0.1-4/24 on eth0) and a switch, a bridge in a namespace of
# its own (sw), one veth pair per host; nothing is created in the root namespace, every name starts with lanes-st<pid>-,
# and all of it is deleted at the end, also on failure. Each node is `scripts/run -cluster -cluster-host <its address>`
# in its namespace with a cluster config file of its own passed by name (-Dvertx.hazelcast.config in JAVA_OPTS),
# HTTP_HOST=0.0.0.0 and the ops listener on its loopback (OPS_PORT); the client is curl inside h1.
#   h1 http-1     roles http, files, scheduler   (the HTTP node that survives)
#   h2 http-2     roles http, files              (killed with a task and an async job in flight)
#   h3 compute-1  roles compute, scheduler       (cut off silently, then healed)
#   h4 compute-2  roles compute                  (killed with callers waiting)
# Checks, each with its figures: routing across hosts; a silent partition of h3 (no period runs twice, detection and
# pause times, rejoin after the heal within 30 s); kill -9 of http-2 (its task and job failed on http-1 within the
# failure detection time + 2 s, the task id free again); kill -9 of compute-2 (callers answered by compute.timeoutMs,
# new jobs refused with 503 while the dead node's calls hold the lane, served again by their deadline + 1 s); then the
# two survivors of four, short of a majority, pause their periodic jobs.

hosts_prefix="lanes-st$$-"
hosts_net=10.77.0
hosts_created=()
hosts_timeout_ms=4000
hosts_period_ms=1000
hosts_minimum=3   # split-brain protection: a majority of the 4 members

hosts_ns() { echo "${hosts_prefix}$1"; }
in_ns() { local ns; ns=$(hosts_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# hosts_unsupported: prints why this machine cannot run the selftest (status 0), or nothing (status 1) when it can.
hosts_unsupported() {
  local probe="${hosts_prefix}probe"
  if [ "$(id -u)" != 0 ]; then echo "not root (network namespaces need root)"; return 0; fi
  if ! command -v ip > /dev/null || ! command -v bridge > /dev/null; then echo "iproute2 (ip, bridge) is not installed"; return 0; fi
  if ! ip netns add "$probe" 2> /dev/null; then echo "ip netns add does not work here"; return 0; fi
  ip netns del "$probe" 2> /dev/null || true
  return 1
}

hosts_cleanup() {
  local f ns pid
  trap - EXIT
  for f in "$run_dir"/*.pid; do
    [ -e "$f" ] || continue
    if alive "$f"; then kill -KILL "$(cat "$f")" 2> /dev/null || true; fi
  done
  for ns in "${hosts_created[@]}"; do
    for pid in $(ip netns pids "$ns" 2> /dev/null); do kill -KILL "$pid" 2> /dev/null || true; done
  done
  sleep 0.2
  for ns in "${hosts_created[@]}"; do ip netns del "$ns" 2> /dev/null || log "could not delete namespace $ns"; done
  rm -f "$run_dir"/*.pid
  [ "${#hosts_created[@]}" = 0 ] || log "deleted the namespaces ${hosts_created[*]}"
}

hosts_network() {
  local sw i ns
  sw=$(hosts_ns sw)
  ip netns add "$sw" && hosts_created+=("$sw")
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for i in 1 2 3 4; do
    ns=$(hosts_ns "h$i")
    ip netns add "$ns" && hosts_created+=("$ns")
    ip -n "$sw" link add "sw-h$i" type veth peer name eth0 netns "$ns"
    ip -n "$sw" link set "sw-h$i" master br0 up
    ip -n "$ns" addr add "$hosts_net.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
}

# The README's own cluster config for these hosts: conf/cluster.xml with the member list, the interfaces, a cluster name
# of this run's own and the split-brain protection's minimum set for four nodes.
hosts_cluster_config() { # file
  py - conf/cluster.xml "$1" "lanes-hosts-selftest-$$" "$hosts_net" "$hosts_minimum" <<'PY'
import re, sys
src, out, name, net, minimum = sys.argv[1:6]
text = open(src).read()

def sub(pattern, replacement, text):
    new, n = re.subn(pattern, lambda m: replacement, text, flags=re.S)
    if n != 1:
        sys.exit("%s: expected one %s, found %d" % (src, pattern, n))
    return new

text = sub(r"<cluster-name>[^<]*</cluster-name>", "<cluster-name>%s</cluster-name>" % name, text)
# host:port, not the bare host: without a port Hazelcast probes 5701-5710 on every host, and while a host is cut off
# each probe of its unused ports costs 5 s of the search for the other half, so a healed partition took minutes to merge
members = "".join("\n          <member>%s.%d:5701</member>" % (net, i) for i in range(1, 5))
text = sub(r"<member-list>.*?</member-list>", "<member-list>%s\n        </member-list>" % members, text)
text = sub(r"<interfaces enabled=\"true\">.*?</interfaces>",
           "<interfaces enabled=\"true\">\n      <interface>%s.*</interface>\n    </interfaces>" % net, text)
text = sub(r"<minimum-cluster-size>\d+</minimum-cluster-size>", "<minimum-cluster-size>%s</minimum-cluster-size>" % minimum, text)
open(out, "w").write(text)
PY
}

# A -conf for a node: conf/<base>.json with the selftest's job limits, a 1 s heartbeat and ROLES (comma-separated) when
# given instead of the file's.
hosts_conf() { # base roles out
  py - "conf/$1.json" "$2" "$3" "$hosts_timeout_ms" "$hosts_period_ms" <<'PY'
import json, sys
base, roles, out, timeout, period = sys.argv[1:6]
conf = json.load(open(base))
if roles:
    conf["roles"] = roles.split(",")
conf.setdefault("compute", {}).update({"timeoutMs": int(timeout), "maxIterations": 1000000000000})
conf["schedules"] = [{"name": "heartbeat", "intervalMs": int(period)}, {"name": "scratch-sweeper", "enabled": False}]
json.dump(conf, open(out, "w"))
PY
}

hosts_logback() { # out: conf/logback.xml, with the period of each run logged (SchedulerVerticle at DEBUG)
  sed 's#<logger name="io.lanes" level="INFO"/>#<logger name="io.lanes" level="INFO"/>\n  <logger name="io.lanes.schedule.SchedulerVerticle" level="DEBUG"/>#' conf/logback.xml > "$1"
  grep -q SchedulerVerticle "$1" || die "could not write $1"
}

hosts_start() { # name host conf
  local name=$1 host=$2 conf=$3 addr="$hosts_net.${2#h}" opts
  # four JVMs start at once on what may be a 2-core machine: the C1 compiler only and a serial GC start them sooner
  opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m ${JAVA_OPTS:-}"
  opts="$opts -Dvertx.hazelcast.config=$hosts_dir/cluster.xml -Dlogback.configurationFile=$hosts_dir/logback.xml"
  # ip netns exec execs the command, which execs java: $! is the node's own pid
  ip netns exec "$(hosts_ns "$host")" env HTTP_HOST=0.0.0.0 HTTP_PORT=8080 OPS_PORT=9090 DATA_DIR="$hosts_dir/data-$name" \
    JAVA_OPTS="$opts" scripts/run -cluster -cluster-host "$addr" -conf "$conf" > "$run_dir/$name.log" 2>&1 &
  echo $! > "$run_dir/$name.pid"
  disown $!   # killing it (the checks do) is then no job-control notice
  log "started $name on $host ($addr, pid $(cat "$run_dir/$name.pid")), log $run_dir/$name.log"
}

# hosts_get HOST URL [MAX_SECONDS]: the body (empty on failure), curl run inside HOST.
hosts_get() { in_ns "$1" curl -s --max-time "${3:-3}" "$2" 2> /dev/null || true; }

# The cluster check's data on http-1's ops listener (members, computeNodes, quorum...).
hosts_cluster() { # key
  hosts_get h1 "http://127.0.0.1:9090/health" | py -c '
import json, sys
try:
    checks = {c.get("id"): c for c in json.load(sys.stdin).get("checks", [])}
    value = checks["cluster"]["data"]
    for key in sys.argv[1].split("."):
        value = value[key]
    print(json.dumps(value) if not isinstance(value, str) else value)
except (ValueError, KeyError, TypeError, AttributeError):
    pass' "$1"
}

# hosts_until SECONDS COMMAND...: until COMMAND succeeds (every 100 ms); status 1 after SECONDS.
hosts_until() {
  local deadline=$(( $(now_ms) + $1 * 1000 ))
  shift
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

members_are() { [ "$(hosts_cluster members)" = "$1" ]; }
compute_nodes_are() { [ "$(hosts_cluster computeNodes)" = "$1" ]; }
log_has() { grep -q -- "$2" "$run_dir/$1.log" 2> /dev/null; }

# Epoch ms of the first line of LOG matching PATTERN at or after the epoch ms FROM (the logs print HH:mm:ss.SSS).
log_time() { # name pattern from
  py - "$run_dir/$1.log" "$2" "$3" <<'PY'
import datetime, re, sys
path, pattern, since = sys.argv[1], sys.argv[2], int(sys.argv[3])
day = datetime.datetime.fromtimestamp(since / 1000).date()
for line in open(path, errors="replace"):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) ", line)
    if not m or pattern not in line:
        continue
    t = datetime.datetime.combine(day, datetime.time(*map(int, m.groups()[:3]), int(m.group(4)) * 1000))
    ms = int(t.timestamp() * 1000)
    if ms >= since:
        print(ms)
        break
PY
}

# The runs of the heartbeat in every scheduler's log: "<period> <node>" a line, and how many periods ran twice.
hosts_runs() {
  cat "$run_dir/http-1.log" "$run_dir/compute-1.log" \
    | sed -n 's/.*Periodic job heartbeat runs period \([0-9]*\) on node \([^ ]*\).*/\1 \2/p' | sort -n > "$hosts_dir/runs"
  awk '{ n[$1]++ } END { d = 0; for (p in n) if (n[p] > 1) d++; print d }' "$hosts_dir/runs"
}

selftest_hosts() {
  local reason
  need curl; use_python
  if reason=$(hosts_unsupported); then
    log "SKIPPED: $reason"
    exit 77
  fi
  run_dir=run/cluster-hosts
  hosts_dir=$(pwd)/$run_dir/work
  mkdir -p "$run_dir"
  for f in "$run_dir"/*.pid; do
    if alive "$f"; then die "a selftest --hosts is already running (see $run_dir)"; fi
  done
  rm -rf "$hosts_dir" "$run_dir"/*.pid "$run_dir"/*.log
  mkdir -p "$hosts_dir"
  build_if_stale cluster
  trap hosts_cleanup EXIT
  trap 'exit 143' TERM INT
  local began t0; began=$(now_ms)
  hosts_network
  hosts_cluster_config "$hosts_dir/cluster.xml"
  hosts_logback "$hosts_dir/logback.xml"
  hosts_conf http-node "" "$hosts_dir/http-1.json"
  hosts_conf http-node http,files "$hosts_dir/http-2.json"
  hosts_conf compute-node compute,scheduler "$hosts_dir/compute-1.json"
  hosts_conf compute-node "" "$hosts_dir/compute-2.json"
  log "4 hosts on a private bridge ($hosts_net.1-4, namespaces ${hosts_prefix}*); cluster config $hosts_dir/cluster.xml" \
    "(split-brain protection: $hosts_minimum of 4)"
  t0=$(now_ms)
  hosts_start http-1 h1 "$hosts_dir/http-1.json"
  hosts_start http-2 h2 "$hosts_dir/http-2.json"
  hosts_start compute-1 h3 "$hosts_dir/compute-1.json"
  hosts_start compute-2 h4 "$hosts_dir/compute-2.json"
  hosts_until 90 members_are 4 || die "selftest --hosts FAILED: the 4 nodes did not form a cluster in 90 s (logs in $run_dir)"
  hosts_until 30 compute_nodes_are 2 || die "selftest --hosts FAILED: http-1 does not see 2 compute nodes"
  # Hazelcast lists a member before its HTTP front listens: wait for every node's "ready" line
  hosts_until 60 all_ready || die "selftest --hosts FAILED: not every node said it was ready within 60 s (logs in $run_dir)"
  local formed_ms=$(( $(now_ms) - t0 )) http1 http2 c1 c2
  http1=$(node_id http-1); http2=$(node_id http-2); c1=$(node_id compute-1); c2=$(node_id compute-2)
  log "cluster of 4 formed ${formed_ms} ms after the JVMs started: http-1 $http1, http-2 $http2, compute-1 $c1, compute-2 $c2"

  hosts_routing
  hosts_partition
  hosts_kill_http
  hosts_kill_compute
  [ "$selftest_failed" = 0 ] || die "selftest --hosts FAILED (logs in $run_dir)"
  log "PASS in $(( ($(now_ms) - began) / 1000 )) s: routing across hosts, no period run twice in a partition," \
    "rejoin after the heal, a dead HTTP node's work failed, callers of a dead compute node answered"
}

# Jobs sent to both HTTP nodes reach both compute nodes over the network; the warm round trip of a cross-host call.
hosts_routing() {
  local urls=() i out nodes answered ms id state
  for i in $(seq 1 20); do urls+=(-w '\n' "http://$hosts_net.1:8080/process?iterations=1000"); done
  out=$(in_ns h1 curl -s --max-time 20 "${urls[@]}" || true)
  answered=$(grep -c '"result"' <<< "$out" || true)
  nodes=$(py -c '
import json, sys
seen = set()
for line in sys.stdin:
    try:
        seen.add(json.loads(line)["node"])
    except (ValueError, KeyError, TypeError):
        pass
print(" ".join(sorted(seen)))' <<< "$out")
  log "routing: $answered/20 /process calls to http-1 ($hosts_net.1) answered, by: $nodes"
  [ "$answered" = 20 ] || check_fail "only $answered of 20 calls across hosts were answered"
  case "$nodes" in *"$c1"*"$c2"*|*"$c2"*"$c1"*) ;; *) check_fail "the calls did not reach both compute nodes ($nodes)" ;; esac
  id=$(in_ns h1 curl -s --max-time 5 -X POST "http://$hosts_net.2:8080/jobs" -d '{"type":"primes","limit":100000}' | json_get id || true)
  state=""
  hosts_until 10 job_done "$id" || true
  state=$(hosts_get h1 "http://$hosts_net.1:8080/jobs/$id" | json_get state)
  log "routing: an async job accepted by http-2 ($hosts_net.2) is ${state:-unknown} as http-1 reads it"
  [ "$state" = "done" ] || check_fail "the job accepted by http-2 is ${state:-unknown} on http-1, not done"
  # the warm round trip: 300 calls to warm the JIT up, then the median of 200
  urls=()
  for i in $(seq 1 300); do urls+=(-o /dev/null "http://$hosts_net.1:8080/process?iterations=1000"); done
  in_ns h1 curl -s --max-time 60 "${urls[@]}" || true
  urls=()
  for i in $(seq 1 200); do urls+=(-o /dev/null -w '%{time_total}\n' "http://$hosts_net.1:8080/process?iterations=1000"); done
  ms=$({ in_ns h1 curl -s --max-time 60 "${urls[@]}" || true; } | awk '{ printf "%.3f\n", $1 * 1000 }' | median)
  log "routing: round trip of /process?iterations=1000 through http-1 to a compute host after 300 calls, median of 200:" \
    "${ms} ms (C1-compiled JVMs: see scripts/cluster measure for fully warmed figures)"
}

# One of 4 /process calls through http-1 was answered by NODE.
reaches_node() {
  local i
  for i in 1 2 3 4; do
    hosts_get h1 "http://$hosts_net.1:8080/process?iterations=1000" | grep -q "\"node\":\"$1\"" && return 0
  done
  return 1
}

all_ready() { local n; for n in http-1 http-2 compute-1 compute-2; do [ -n "$(node_id "$n")" ] || return 1; done; }

job_done() { [ "$(hosts_get h1 "http://$hosts_net.1:8080/jobs/$1" | json_get state)" = "done" ]; }

# h3 (compute-1, a scheduler) is cut off without a word, then plugged back in.
hosts_partition() {
  local cut healed detect_ms pause_at rejoin_ms resumed_at dup runs_total before_cut sw
  sw=$(hosts_ns sw)
  hosts_until 15 log_has compute-1 "Periodic job heartbeat runs period" || log "  (compute-1 has not run a period yet)"
  before_cut=$(hosts_runs)
  cut=$(now_ms)
  ip netns exec "$sw" bridge link set dev sw-h3 state 0
  log "partition: cut h3 (compute-1) off silently (its switch port disabled: no RST, no ICMP)"
  if hosts_until 30 members_are 3; then
    detect_ms=$(( $(now_ms) - cut ))
    log "partition: http-1 removed compute-1 ${detect_ms} ms after the cut (hazelcast.max.no.heartbeat.seconds 5)"
  else
    check_fail "http-1 still lists 4 members 30 s after the cut"
  fi
  hosts_until 20 log_has compute-1 "Periodic job heartbeat paused" || check_fail "compute-1 never paused its periodic jobs"
  pause_at=$(log_time compute-1 "Periodic job heartbeat paused" "$cut")
  [ -z "$pause_at" ] || log "partition: compute-1, alone, paused its periodic jobs $(( pause_at - cut )) ms after the cut" \
    "(split-brain protection: fewer than $hosts_minimum members heard from within 3 s)"
  sleep 4   # a few periods with the majority claiming and the minority refused
  healed=$(now_ms)
  ip netns exec "$sw" bridge link set dev sw-h3 state 3
  log "partition: healed after $(( (healed - cut) / 1000 )) s"
  if hosts_until 40 members_are 4; then
    rejoin_ms=$(( $(now_ms) - healed ))
    log "partition: the halves merged ${rejoin_ms} ms after the heal (merge checks every 5 s)"
    [ "$rejoin_ms" -le 30000 ] || check_fail "the rejoin took ${rejoin_ms} ms, more than 30 s"
  else
    check_fail "compute-1 did not rejoin within 40 s of the heal"
  fi
  hosts_until 20 compute_nodes_are 2 || check_fail "http-1 does not see compute-1's consumers again"
  hosts_until 20 ran_since compute-1 "$healed" || true
  resumed_at=$(log_time compute-1 "Periodic job heartbeat resumed" "$healed")
  [ -z "$resumed_at" ] || log "partition: compute-1 claims periods again $(( resumed_at - healed )) ms after the heal"
  # the rejoined node serves jobs again: /process through http-1 reaches compute-1 (its compute verticles register
  # again on the merge; without that, an HTTP node could keep sending it nothing)
  if hosts_until 40 reaches_node "$(node_id compute-1)"; then
    log "partition: /process through http-1 reaches compute-1 again $(( $(now_ms) - healed )) ms after the heal"
  else
    check_fail "40 s after the heal, no /process through http-1 reached compute-1"
  fi
  dup=$(hosts_runs)
  runs_total=$(wc -l < "$hosts_dir/runs")
  local partition_periods=$(( (healed - cut) / hosts_period_ms ))
  local ran_in_partition
  ran_in_partition=$(awk -v from="$(( cut / hosts_period_ms ))" -v to="$(( healed / hosts_period_ms ))" \
    '$1 >= from && $1 <= to' "$hosts_dir/runs" | wc -l)
  log "partition: heartbeat runs in all $runs_total, $ran_in_partition in the $partition_periods periods of the" \
    "partition (periods of the detection time are skipped by design), periods run twice: $dup (before the cut: $before_cut)"
  [ "$dup" = 0 ] || check_fail "$dup period(s) ran twice: $(awk '{ n[$1]++ } END { for (p in n) if (n[p] > 1) printf "%s ", p }' "$hosts_dir/runs")"
  [ "$ran_in_partition" -gt 0 ] || check_fail "the majority ran no period during the partition"
}

ran_since() { # name epoch-ms: the node ran a period at or after the time
  local from=$(( $2 / hosts_period_ms ))
  hosts_runs > /dev/null
  awk -v node="$(node_id "$1")" -v from="$from" '$2 == node && $1 >= from { found = 1 } END { exit !found }' "$hosts_dir/runs"
}

# kill -9 of http-2 with a task and an async job in flight: both are failed on http-1 within detection + 2 s.
hosts_kill_http() {
  local job task_state job_state killed detect_ms failed_ms pid error started_at resubmit victim
  victim=$(node_id http-2)
  in_ns h1 curl -s -o /dev/null --max-time 5 "http://$hosts_net.2:8080/task/77?seconds=60" || true
  job=$(in_ns h1 curl -s --max-time 5 -X POST "http://$hosts_net.2:8080/jobs" \
    -d '{"type":"sum-mod","iterations":1000000000000}' | json_get id || true)
  [ -n "$job" ] || check_fail "http-2 accepted no async job"
  hosts_until 10 state_is "tasks/77" running || check_fail "task 77 never ran on http-2"
  [ -z "$job" ] || hosts_until 10 state_is "jobs/$job" running || check_fail "job $job never ran"
  pid=$(cat "$run_dir/http-2.pid")
  kill -KILL "$pid"
  killed=$(now_ms)
  log "kill -9 http-2 (pid $pid) with task 77 and job $job running"
  if hosts_until 30 members_are 3; then detect_ms=$(( $(now_ms) - killed )); else check_fail "http-1 never noticed http-2's death"; fi
  hosts_until 15 both_failed "$job" || check_fail "task 77 and job $job are not both failed 15 s after the kill"
  failed_ms=$(( $(now_ms) - killed ))
  task_state=$(hosts_get h1 "http://$hosts_net.1:8080/tasks/77")
  job_state=$(hosts_get h1 "http://$hosts_net.1:8080/jobs/$job")
  error=$(json_get error <<< "$task_state")
  started_at=$(json_get started_at <<< "$job_state")
  log "kill -9 http-2: noticed after ${detect_ms:-?} ms; task 77 and the job failed on http-1 after ${failed_ms} ms" \
    "(\"$error\")"
  [ "$error" = "node $victim left the cluster" ] || check_fail "task 77's error is \"$error\""
  [ "$(json_get error <<< "$job_state")" = "node $victim left the cluster" ] || check_fail "job $job's error is \"$(json_get error <<< "$job_state")\""
  if [ -z "$started_at" ] || [ "$started_at" = null ]; then check_fail "job $job lost its started_at"; fi
  [ -z "${detect_ms:-}" ] || [ "$failed_ms" -le $(( detect_ms + 2000 )) ] \
    || check_fail "failed ${failed_ms} ms after the kill, more than detection (${detect_ms} ms) + 2 s"
  resubmit=$(in_ns h1 curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$hosts_net.1:8080/task/77?seconds=0" || true)
  log "kill -9 http-2: task id 77 taken again on http-1: $resubmit"
  [ "$resubmit" = 202 ] || check_fail "task id 77 was not free again ($resubmit)"
}

state_is() { [ "$(hosts_get h1 "http://$hosts_net.1:8080/$1" | json_get state)" = "$2" ]; }
both_failed() { state_is "tasks/77" failed && state_is "jobs/$1" failed; }

# kill -9 of compute-2 with callers waiting: each is answered within compute.timeoutMs; new jobs are refused at once
# (503) while the dead node's calls hold the lane, and succeed again by their deadline + 1 s at the latest.
hosts_kill_compute() {
  local pid killed i waiting=() statuses last_bad after bad total slowest tmp=$hosts_dir/kill-compute work ms victim left_at detect_ms
  victim=$(node_id compute-2)
  mkdir -p "$tmp"
  # sum-mod iterations for about 1.2 s of work on this machine, so the callers are still waiting at the kill
  ms=$(hosts_get h1 "http://$hosts_net.1:8080/process?iterations=50000000" 30 | json_get elapsed_ms)
  [[ "$ms" =~ ^[0-9]+$ ]] && [ "$ms" -gt 0 ] || ms=100
  work=$(( 50000000 * 1200 / ms ))
  for i in 1 2 3 4; do
    ( in_ns h1 curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 \
        "http://$hosts_net.1:8080/process?iterations=$work" > "$tmp/caller-$i" || echo "000 10" > "$tmp/caller-$i" ) &
    waiting+=($!)
  done
  sleep 0.4
  pid=$(cat "$run_dir/compute-2.pid")
  kill -KILL "$pid"
  killed=$(now_ms)
  log "kill -9 compute-2 (pid $pid) with 4 callers waiting (jobs of $work iterations, ~1.2 s)"
  for i in $(seq 1 50); do
    ( sent=$(( $(now_ms) - killed ))
      out=$(in_ns h1 curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
        "http://$hosts_net.1:8080/process?iterations=1000" || echo "000 10")
      echo "$sent $out" > "$tmp/probe-$i" ) &
    waiting+=($!)
    sleep 0.1
  done
  wait "${waiting[@]}" || true
  statuses=$(cat "$tmp"/caller-* | awk '{ print $1 }' | sort | uniq -c | tr -s ' \n' '  ')
  slowest=$(cat "$tmp"/caller-* | awk '{ if ($2 > m) m = $2 } END { printf "%.2f", m }')
  log "kill -9 compute-2: the 4 callers got ($statuses), the slowest after ${slowest} s (compute.timeoutMs $hosts_timeout_ms)"
  awk -v t="$hosts_timeout_ms" '$2 * 1000 > t + 500 { bad = 1 } END { exit bad }' "$tmp"/caller-* \
    || check_fail "a caller waited longer than compute.timeoutMs + 0.5 s"
  # 200 (done before the kill or on compute-1), 504 (its job died with compute-2), or 503: the compute lane refused it
  # at once with Retry-After (4 jobs of 1.2 s at once on 4 compute verticles can start past half the lane's budget,
  # which is where admission stops); anything else (000: no answer, 500) fails.
  if grep -qv -E '^(200|503|504) ' "$tmp"/caller-*; then check_fail "a caller got another status than 200, 503 or 504"; fi
  grep -q '^504 ' "$tmp"/caller-* || log "  (no caller had landed on compute-2)"
  cat "$tmp"/probe-* | sort -n > "$tmp/probes"
  total=$(wc -l < "$tmp/probes")
  bad=$(awk '$2 != 200' "$tmp/probes" | wc -l)
  last_bad=$(awk '$2 != 200 { last = $1 } END { print last + 0 }' "$tmp/probes")
  after=$(awk -v from="$last_bad" '$1 > from && $2 == 200' "$tmp/probes" | wc -l)
  # The dead node's calls hold their compute slots without finishing until their deadline (compute.timeoutMs: the
  # sender cannot tell a sync job's node): meanwhile the lane refuses new jobs at once (503 with Retry-After) rather
  # than queue them behind work that will never end, until the survivor's drain rate makes room again.
  hosts_until 15 log_has http-1 "Node $victim left the cluster" || true
  left_at=$(log_time http-1 "Node $victim left the cluster" "$killed")
  detect_ms=""
  [ -z "$left_at" ] || detect_ms=$(( left_at - killed ))
  log "kill -9 compute-2: $total probes every 100 ms, $bad not 200 ($(awk '$2 != 200 { print $2 }' "$tmp/probes" | sort | uniq -c | tr -s ' \n' '  ')), the last failing one sent ${last_bad} ms after the kill; http-1 noticed the death after ${detect_ms:-?} ms"
  if [ -z "$detect_ms" ]; then
    check_fail "http-1 never logged that $victim left the cluster"
  elif [ "$last_bad" -gt $(( hosts_timeout_ms + 1000 )) ]; then
    check_fail "new jobs still failed ${last_bad} ms after the kill, past the dead node's calls' deadline (compute.timeoutMs $hosts_timeout_ms) + 1 s"
  fi
  # a refusal comes at once, or (a job admitted just before the lane filled) at its turn, past compute.maxWaitMs (2 s)
  if awk '$2 == 503 && $3 > 3.0 { bad = 1 } END { exit !bad }' "$tmp/probes"; then
    check_fail "a refusal took more than the compute wait budget + 1 s"
  fi
  if awk '$2 != 200 && $2 != 503 && $2 != 504 { bad = 1 } END { exit !bad }' "$tmp/probes"; then
    check_fail "a probe got another status than 200, 503 or 504"
  fi
  [ "$after" -ge 10 ] || check_fail "fewer than 10 probes succeeded after the last failure ($after)"
  # two members of four are no majority: http-1 pauses its periodic jobs, and says so
  if hosts_until 15 paused_on_http1; then
    log "kill -9 compute-2: http-1 and compute-1, 2 of 4, pause their periodic jobs (/schedules: paused)"
  else
    check_fail "http-1 did not pause its periodic jobs with 2 of 4 members"
  fi
}

paused_on_http1() {
  hosts_get h1 "http://127.0.0.1:9090/schedules" | py -c '
import json, sys
try:
    sys.exit(0 if json.load(sys.stdin)["schedules"][0].get("paused") else 1)
except (ValueError, KeyError, IndexError, TypeError):
    sys.exit(1)'
}
