# shellcheck shell=bash disable=SC2154  # out, quick, docs_dir, restartable, test_cp, bg_pid: set by scripts/bench and common.sh
# scenario_compare of scripts/bench (`scripts/bench --only compare`): Lanes side by side with the original FastAPI
# service (scripts/reference/app.py), run with Debian's packages in two configurations: one uvicorn worker, and
# `--workers 2 --loop uvloop`. Sourced by scripts/bench, which provides log, die, smoke_problem, stop_pid, the pids list,
# field, $out, $docs_dir, $quick and $test_cp. One run, the systems interleaved within every row:
#   1. conformance  the original's example requests to the original and to Lanes, one client (scripts/reference/conformance)
#   2. wrk rows     /hello alone; /hello while /write runs (and each system's peak RSS); 100 concurrent /sync and /async;
#                   /process jobs/s with the /hello p99 beside it; /fetch-data at 10 and 200 connections
#   3. locust       the original's own load test: users alternating /hello and one /write variant, per variant
#   4. /send        answered/s, then SIGTERM under load and the lines on disk
# Writes docs/comparison.md and docs/comparison.png (scripts/lib/compare-report, io.lanes.bench.CompareChart); --quick
# is the smoke of scripts/test (the original with one worker and Lanes, conformance, one wrk row, one short locust run
# each; about 45 s) and writes under target/bench/compare/ only. Settings (environment): COMPARE_USERS (100),
# COMPARE_SPAWN_RATE (4 per second), COMPARE_HOLD (20 s at full users), COMPARE_SECONDS (10, each wrk run),
# COMPARE_WRITE_BYTES (16 MiB), COMPARE_UPSTREAM_DELAY_MS (100), COMPARE_JAVA_OPTS (none: scripts/run's defaults),
# COMPARE_BOUND (1260 s from the start of the scenario: a step that would end later is skipped and reported as not
# measured; with the build and the packages of a fresh clone, the whole command stays under 25 minutes).

cmp_dir=$out/compare
cmp_python=${COMPARE_PYTHON:-/usr/bin/python3}
cmp_locust=${COMPARE_LOCUST:-/usr/bin/locust}
cmp_bytes=${COMPARE_WRITE_BYTES:-16777216}
cmp_delay=${COMPARE_UPSTREAM_DELAY_MS:-100}
cmp_bound=${COMPARE_BOUND:-1260}
declare -A cmp_port=() cmp_pid=() cmp_sampler=() cmp_log_of=()
cmp_starts=0

cmp_log() { log "compare +$((SECONDS - ${cmp_started:-$SECONDS}))s: $*"; }

# cmp_time_ok STEP SECONDS: whether STEP, expected to take SECONDS, still ends within the bound of the comparison
# (60 s of it are kept for the /send row and the report).
cmp_time_ok() {
  if [ $((SECONDS - cmp_started + ${2:-0})) -le $((cmp_bound - 60)) ]; then return 0; fi
  cmp_log "$1 skipped: it would end past the comparison's bound of $cmp_bound s"
  echo "$1" >> "$cmp_dir/skipped.txt"
  return 1
}

cmp_url() { echo "http://127.0.0.1:${cmp_port[$1]}"; }

# cmp_record ROW SYSTEM JSON-OBJECT: one measurement, as a line of rows.jsonl
cmp_record() {
  printf '%s\n' "$3" | sed "s/^{/{\"row\":\"$1\",\"system\":\"$2\",/" >> "$cmp_dir/rows.jsonl"
}

# cmp_start SYSTEM [DEMO]: starts one system on its port with a fresh data dir (DEMO true: Lanes with
# demo.allowEventLoopBlocking, for /write_bad). Both systems write the same bytes, sleep the same 1 s in /sync and
# /async, and call their own upstream stubs with the same delay.
cmp_start() {
  local sys=$1 demo=${2:-false} port=${cmp_port[$1]} data="$cmp_dir/$1/data" ups="" u
  rm -rf "$data" && mkdir -p "$data"
  cmp_starts=$((cmp_starts + 1))
  local server_log="$cmp_dir/$sys/server-$cmp_starts.log"
  for u in json uuid ip; do ups="$ups,http://127.0.0.1:$port/upstream/$u?delay_ms=$cmp_delay"; done
  ups=${ups#,}
  case "$sys" in
    lanes)
      HTTP_PORT=$port DATA_DIR="$data" JAVA_OPTS="${COMPARE_JAVA_OPTS:-}" bg_start "$server_log" \
        scripts/run -conf "{\"files\":{\"defaultBytes\":$cmp_bytes},\"blocking\":{\"defaultSleepSeconds\":1},\
\"fanout\":{\"upstreams\":[\"${ups//,/\",\"}\"]},\"demo\":{\"allowEventLoopBlocking\":$demo}}"
      ;;
    original-1|original-2)
      local workers=()
      if [ "$sys" = original-2 ]; then workers=(--workers 2 --loop uvloop); fi
      REFERENCE_PORT=$port REFERENCE_DATA_DIR="$data" REFERENCE_WRITE_BYTES=$cmp_bytes REFERENCE_SLEEP_SECONDS=1 \
        REFERENCE_UPSTREAMS="$ups" bg_start "$server_log" \
        "$cmp_python" -m uvicorn app:app --app-dir scripts/reference --host 127.0.0.1 --port "$port" "${workers[@]}"
      ;;
  esac
  cmp_pid[$sys]=$bg_pid
  cmp_log_of[$sys]=$server_log
  pids+=("$bg_pid")
}

cmp_wait_up() {
  local path=/hello
  if [ "$1" = lanes ]; then path=/ready; fi
  wait_http "$(cmp_url "$1")$path" 90 || { tail -20 "${cmp_log_of[$1]}" >&2; die "compare: $1 did not come up"; }
}

cmp_stop() {
  if [ -n "${cmp_pid[$1]:-}" ]; then stop_pid "${cmp_pid[$1]}"; cmp_pid[$1]=""; fi
}

# The same short warm-up for every system (Lanes' JIT needs it; it costs the others nothing).
cmp_warm_up() {
  local secs=3
  if [ "$quick" = 1 ]; then secs=1; fi
  timeout 30 wrk -t2 -c50 -d"${secs}s" "$(cmp_url "$1")/hello" > /dev/null 2>&1 || true
  if [ "$quick" = 0 ]; then timeout 30 wrk -t2 -c8 -d"${secs}s" "$(cmp_url "$1")/write" > /dev/null 2>&1 || true; fi
}

# Until the system is idle again (up to 90 s): a stopped client leaves work behind (writes, a backlog of /process or
# /fetch-data the original's loop still works through). Idle: /hello answers within 50 ms twice in a row, and for Lanes
# no work is in flight in any lane.
cmp_settle() {
  local deadline=$((SECONDS + 90)) quick_answers=0 secs
  while [ $SECONDS -lt $deadline ]; do
    secs=$(curl -fs -o /dev/null -w '%{time_total}' --max-time 5 "$(cmp_url "$1")/hello" 2> /dev/null || echo 9)
    if awk -v s="$secs" 'BEGIN { exit !(s < 0.05) }'; then quick_answers=$((quick_answers + 1)); else quick_answers=0; fi
    if [ "$quick_answers" -ge 2 ] && { [ "$1" != lanes ] \
      || ! curl -fs --max-time 5 "$(cmp_url lanes)/metrics" 2> /dev/null | grep '^lanes_lane_in_flight' | grep -qv ' 0.0$'; }; then
      return 0
    fi
    sleep 0.3
  done
  cmp_log "$1 still busy after 90 s; measuring anyway"
}

# cmp_wrk CONNS URL SECONDS [SCRIPT]: one wrk run; prints its report as a JSON object (with "seconds").
cmp_wrk() {
  local conns=$1 url=$2 secs=$3 script=${4:-scripts/lib/wrk-report.lua} threads=2 line raw rc=0
  if [ "$conns" -lt 2 ]; then threads=1; fi
  raw=$(timeout $((secs + 30)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s -s "$script" "$url" 2>&1) || rc=$?
  line=$(grep '^WRK_JSON' <<<"$raw" || true)
  if [ -z "$line" ]; then
    cmp_log "wrk $url ($conns connections) gave no report (exit status $rc): $(tr '\n' ' ' <<<"$raw" | cut -c1-300)"
    echo "{\"seconds\":$secs,\"failed\":1}"
    return
  fi
  line=${line#WRK_JSON }
  echo "{\"seconds\":$secs,${line#\{}"
}

# cmp_sample_start SYSTEM: the peak RSS of the system's process tree from now on (cmp_sample_stop SYSTEM prints it, MiB).
cmp_sample_start() {
  rm -f "$cmp_dir/peak-$1.txt"
  # The interpreter itself, not the py function: $! must be the sampler's own pid.
  "$LANES_PYTHON" scripts/lib/compare-tools peak-rss "${cmp_pid[$1]}" "$cmp_dir/peak-$1.txt" &
  cmp_sampler[$1]=$!
}
cmp_sample_stop() {
  kill "${cmp_sampler[$1]}" 2> /dev/null || true
  wait "${cmp_sampler[$1]}" 2> /dev/null || true
  cat "$cmp_dir/peak-$1.txt" 2> /dev/null || echo null
}

cmp_lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

cmp_threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2> /dev/null || echo null; }

# --- rows ---------------------------------------------------------------------------------------------------------------

cmp_conformance() {
  local rc=0
  cmp_time_ok conformance 10 || return 0
  py scripts/reference/conformance --tsv "$cmp_dir/conformance.tsv" "$(cmp_url original-1)" "$(cmp_url lanes)" \
    > "$cmp_dir/conformance.txt" 2>&1 || rc=$?
  sed 's/^/[bench] compare: conformance: /' "$cmp_dir/conformance.txt" >&2
  if [ "$rc" = 0 ]; then return 0; fi
  # /health turns DOWN (503, or 500 when a check misses its deadline) while the loops lag: on a loaded machine that is
  # what it should say. The smoke reports it and fails on any other difference.
  if [ "$quick" = 1 ] && ! cut -f1,5 "$cmp_dir/conformance.tsv" | grep -v '^GET /health' | grep -q '	.'; then
    cmp_log "conformance: only /health differs (the machine is loaded?); not a failure of the smoke"
    return 0
  fi
  smoke_problem "conformance: some answers of Lanes differ from the original's (see $cmp_dir/conformance.txt)"
}

cmp_row_hello() {
  local sys j
  cmp_time_ok hello $((3 * (cmp_seconds + 2))) || return 0
  for sys in "${cmp_systems[@]}"; do
    j=$(cmp_wrk 100 "$(cmp_url "$sys")/hello" "$cmp_seconds")
    cmp_record hello "$sys" "$j"
    if [ "$quick" = 1 ]; then
      if [ "$(field requests <<<"$j")" = "" ] || [ "$(field requests <<<"$j")" -le 0 ] || [ "$(field non2xx <<<"$j")" != 0 ] \
        || [ "$(field socket_errors <<<"$j")" != 0 ] || [ "$(field timeouts <<<"$j")" != 0 ]; then
        smoke_problem "compare: /hello on $sys: $j"
      fi
    fi
    cmp_settle "$sys"
  done
}

# /hello (50 connections) while a second wrk writes (50 connections); the peak RSS of each system meanwhile
cmp_row_mix() {
  local sys hello load idle peak
  cmp_time_ok mix $((3 * (cmp_seconds + 5))) || return 0
  for sys in "${cmp_systems[@]}"; do
    idle=$(py scripts/lib/compare-tools rss "${cmp_pid[$sys]}")
    cmp_sample_start "$sys"
    cmp_wrk 50 "$(cmp_url "$sys")/write" "$cmp_seconds" > "$cmp_dir/load.json" &
    load=$!
    sleep 0.5
    hello=$(cmp_wrk 50 "$(cmp_url "$sys")/hello" $((cmp_seconds - 1)))
    wait "$load" || true
    peak=$(cmp_sample_stop "$sys")
    cmp_record mix-hello "$sys" "$hello"
    cmp_record mix-write "$sys" "$(cat "$cmp_dir/load.json")"
    cmp_record memory "$sys" "{\"idle_rss_mib\":$idle,\"peak_rss_mib\":$peak}"
    cmp_settle "$sys"
  done
}

# 100 concurrent /sync, then 100 concurrent /async (each sleeps 1 s): how long until all answered, and their statuses;
# the threads and RSS of the process tree before and after the /sync burst (what the idle blocked threads cost)
cmp_row_bursts() {
  local sys path j pid threads0 rss0
  cmp_time_ok bursts 30 || return 0
  for sys in "${cmp_systems[@]}"; do
    for path in sync async; do
      pid=${cmp_pid[$sys]}
      threads0=$(cmp_threads "$pid"); rss0=$(py scripts/lib/compare-tools rss "$pid")
      j=$(py scripts/lib/compare-tools burst "$(cmp_url "$sys")/$path" 100 30)
      cmp_record "burst-$path" "$sys" "{\"threads_before\":$threads0,\"threads_after\":$(cmp_threads "$pid"),\
\"rss_before_mib\":$rss0,\"rss_after_mib\":$(py scripts/lib/compare-tools rss "$pid"),${j#\{}"
    done
    cmp_settle "$sys"
  done
}

# /process (4 connections) and, beside it, /hello (10 connections): jobs/s and the /hello p99
cmp_row_process() {
  local sys load hello
  cmp_time_ok process $((3 * (cmp_seconds + 10))) || return 0
  for sys in "${cmp_systems[@]}"; do
    cmp_wrk 4 "$(cmp_url "$sys")/process" "$cmp_seconds" > "$cmp_dir/load.json" &
    load=$!
    sleep 0.5
    hello=$(cmp_wrk 10 "$(cmp_url "$sys")/hello" $((cmp_seconds - 1)))
    wait "$load" || true
    cmp_record process-jobs "$sys" "$(cat "$cmp_dir/load.json")"
    cmp_record process-hello "$sys" "$hello"
    cmp_settle "$sys"
  done
}

cmp_row_fanout() {
  local sys conns
  for conns in 10 200; do
    cmp_time_ok "fanout-$conns" $((3 * (cmp_seconds + 10))) || return 0
    for sys in "${cmp_systems[@]}"; do
      cmp_record "fanout-$conns" "$sys" "$(cmp_wrk "$conns" "$(cmp_url "$sys")/fetch-data" "$cmp_seconds" scripts/lib/wrk-fanout.lua)"
      cmp_settle "$sys"
    done
  done
}

# cmp_locust VARIANT SYSTEM: the original's locust test against one system; its CSVs, CPU and the system's peak RSS
cmp_locust() {
  local variant=$1 sys=$2 name=${1#/} ramp run prefix peak
  ramp=$(( (cmp_users + cmp_rate - 1) / cmp_rate ))
  # The history CSV is flushed every 10 s and never at exit: 11 s more keep the ramp and the hold on disk.
  run=$((ramp + cmp_hold + 11))
  if [ "$quick" = 1 ]; then run=14; fi
  prefix="$cmp_dir/locust/$name-$sys"
  cmp_log "locust $variant on $sys: $cmp_users users, $cmp_rate/s, ${run}s"
  cmp_sample_start "$sys"
  (
    TIMEFORMAT='%U %S %R'
    { time LOCUST_WRITE_PATH=$variant timeout $((run + 60)) "$cmp_locust" -f scripts/reference/locustfile.py --headless \
        -u "$cmp_users" -r "$cmp_rate" -t "${run}s" -H "$(cmp_url "$sys")" --csv "$prefix" --csv-full-history \
        --only-summary --loglevel WARNING > "$prefix.log" 2>&1 || true; } 2> "$prefix.cpu"
  )
  peak=$(cmp_sample_stop "$sys")
  printf '{"variant":"%s","ramp_s":%s,"hold_s":%s,"run_s":%s,"users":%s,"spawn_rate":%s,"peak_rss_mib":%s,"cpu":"%s"}\n' \
    "$variant" "$ramp" "$cmp_hold" "$run" "$cmp_users" "$cmp_rate" "$peak" "$(tr '\n' ' ' < "$prefix.cpu")" > "$prefix.json"
  if [ "$quick" = 1 ] && ! grep -q ",$variant," "$prefix"_stats_history.csv 2> /dev/null; then
    smoke_problem "compare: locust against $sys wrote no history for $variant (see $prefix.log)"
  fi
}

cmp_row_locust() {
  local variant sys
  mkdir -p "$cmp_dir/locust"
  local per_run=$(( (cmp_users + cmp_rate - 1) / cmp_rate + cmp_hold + 11 + 5 ))
  for variant in "${cmp_variants[@]}"; do
    cmp_time_ok "locust $variant" $((${#cmp_systems[@]} * per_run)) || continue
    if [ "$variant" = /write_bad ]; then
      cmp_stop lanes; cmp_start lanes true; cmp_wait_up lanes; cmp_warm_up lanes
    fi
    if [ "$quick" = 1 ]; then
      # The smoke checks the tool, not the figures: its short runs go against both systems at once.
      local runs=()
      for sys in "${cmp_systems[@]}"; do cmp_locust "$variant" "$sys" & runs+=($!); done
      wait "${runs[@]}" || true
      continue
    fi
    for sys in "${cmp_systems[@]}"; do
      cmp_locust "$variant" "$sys"
      cmp_settle "$sys"
    done
    if [ "$variant" = /write_bad ]; then
      cmp_stop lanes; cmp_start lanes; cmp_wait_up lanes; cmp_warm_up lanes
    fi
  done
}

# /send (POST, 50 connections) for 6 s; SIGTERM 4 s in, under load; then the lines in log.txt against the answers
cmp_row_send() {
  local sys load before after stop_started stopped
  cmp_time_ok send -60 || return 0
  for sys in "${cmp_systems[@]}"; do
    before=$(cmp_lines "$cmp_dir/$sys/data/log.txt")
    cmp_wrk 50 "$(cmp_url "$sys")/send" 6 scripts/lib/wrk-send.lua > "$cmp_dir/load.json" &
    load=$!
    sleep 4
    stop_started=$SECONDS
    cmp_stop "$sys"
    stopped=$((SECONDS - stop_started))
    wait "$load" || true
    after=$(cmp_lines "$cmp_dir/$sys/data/log.txt")
    cmp_record send "$sys" "{\"lines\":$((after - before)),\"stop_s\":$stopped,$(sed 's/^{//' "$cmp_dir/load.json")"
  done
}

# --- the scenario -------------------------------------------------------------------------------------------------------

scenario_compare() {
  [ "$restartable" = 1 ] || { log "$1: starts its own systems, skipped with --target"; return 0; }
  scripts/reference/install || die "compare: the reference implementation cannot run here (see above)"
  use_python
  cmp_started=$SECONDS
  rm -rf "$cmp_dir" && mkdir -p "$cmp_dir"
  : > "$cmp_dir/rows.jsonl"
  if [ "$quick" = 1 ]; then
    cmp_systems=(original-1 lanes) cmp_variants=(/write)
    cmp_users=10 cmp_rate=10 cmp_hold=1 cmp_seconds=3
  else
    cmp_systems=(original-1 original-2 lanes) cmp_variants=(/write /write_with_thread /write_async /write_bad)
    cmp_users=${COMPARE_USERS:-100} cmp_rate=${COMPARE_SPAWN_RATE:-4} cmp_hold=${COMPARE_HOLD:-20}
    cmp_seconds=${COMPARE_SECONDS:-10}
  fi
  local sys ports i=0
  mapfile -t ports < <(free_port "${#cmp_systems[@]}")
  for sys in "${cmp_systems[@]}"; do
    cmp_port[$sys]=${ports[$i]}; i=$((i + 1))
    mkdir -p "$cmp_dir/$sys"
    cmp_start "$sys"
  done
  for sys in "${cmp_systems[@]}"; do cmp_wait_up "$sys"; done
  cmp_log "${cmp_systems[*]} up"
  cmp_write_meta
  for sys in "${cmp_systems[@]}"; do cmp_warm_up "$sys"; cmp_settle "$sys"; done
  # A JVM's first seconds lag its loops (class loading, JIT), which /health reports as DOWN for a few seconds: the
  # conformance run waits (up to 20 s) until the warmed-up Lanes says UP, and reports whatever it says then.
  wait_http "$(cmp_url lanes)/health" 20 || cmp_log "Lanes' /health is not UP 20 s after the warm-up"
  cmp_conformance
  cmp_log "conformance done"
  cmp_row_hello
  cmp_log "wrk /hello done"
  if [ "$quick" = 0 ]; then
    cmp_row_mix
    cmp_row_bursts
    cmp_row_process
    cmp_row_fanout
  fi
  cmp_row_locust
  if [ "$quick" = 0 ]; then cmp_row_send; fi
  for sys in "${cmp_systems[@]}"; do cmp_stop "$sys"; done

  local md="$docs_dir/comparison.md" png="$docs_dir/comparison.png"
  if [ "$quick" = 1 ]; then md="$cmp_dir/comparison.md" png="$cmp_dir/comparison.png"; fi
  py scripts/lib/compare-report "$cmp_dir" "$md" "$quick" "$(basename "$png")"
  if [ -s "$cmp_dir/chart.csv" ]; then
    java -Djava.awt.headless=true -cp "$test_cp" io.lanes.bench.CompareChart "$cmp_dir/chart.csv" "$png"
  fi
  cmp_log "report: $md ($((SECONDS - cmp_started)) s)"
}

# The machine, the versions and the exact commands, for the report.
cmp_write_meta() {
  local py_versions locust_version
  py_versions=$("$cmp_python" -c 'import sys, fastapi, uvicorn, httpx, aiofiles, uvloop, apscheduler
from importlib.metadata import version
print("Python %s, FastAPI %s, uvicorn %s, httpx %s, anyio %s, aiofiles %s, uvloop %s, httptools %s, APScheduler %s" % (
  sys.version.split()[0], fastapi.__version__, uvicorn.__version__, httpx.__version__, version("anyio"),
  version("aiofiles"), uvloop.__version__, version("httptools"), apscheduler.__version__))' 2>&1 | tail -1)
  # Debian's locust 2.12.1 prints no version of its own ("locust "): the package says it.
  locust_version="locust $(dpkg-query -W -f '${Version}' python3-locust 2> /dev/null || "$cmp_locust" --version 2>&1 | head -1)"
  {
    echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine	$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
    echo "load	$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java	$(java -version 2>&1 | head -2 | tail -1)"
    echo "python	$py_versions"
    echo "locust	$locust_version"
    echo "wrk	$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "commit	$(git rev-parse --short HEAD 2> /dev/null || echo unknown)$(git diff --quiet HEAD 2> /dev/null || echo ' (uncommitted changes)')"
    echo "lanes_cmd	scripts/run -conf '{\"files\":{\"defaultBytes\":$cmp_bytes},\"blocking\":{\"defaultSleepSeconds\":1},\"fanout\":{\"upstreams\":[its stubs ?delay_ms=$cmp_delay]}}'${COMPARE_JAVA_OPTS:+ with JAVA_OPTS=$COMPARE_JAVA_OPTS}"
    echo "original1_cmd	$cmp_python -m uvicorn app:app --app-dir scripts/reference --port P"
    echo "original2_cmd	$cmp_python -m uvicorn app:app --app-dir scripts/reference --port P --workers 2 --loop uvloop"
    echo "bytes	$cmp_bytes"
    echo "delay_ms	$cmp_delay"
    echo "users	$cmp_users"
    echo "spawn_rate	$cmp_rate"
    echo "hold_s	$cmp_hold"
    echo "wrk_s	$cmp_seconds"
    echo "systems	${cmp_systems[*]}"
    echo "note	${COMPARE_NOTE:-}"
  } > "$cmp_dir/meta.tsv"
}
