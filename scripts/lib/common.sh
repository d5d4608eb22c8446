# shellcheck shell=bash
# What scripts/run, test, bench, reliability and cluster share; sourced (never run) from the repository root:
#   . "$(dirname "$0")/lib/common.sh"
# Needs bash; free_port and json_get need python3, wait_http needs curl (each says so when it is missing).

# build_if_stale TAG [PATH...]: runs `mvn package -DskipTests` when target/lanes.jar is missing, older than pom.xml or a
# file under src/, or when one of the PATHs (e.g. target/test-classes/io/lanes/bench) is missing.
build_if_stale() {
  local tag=$1 jar=target/lanes.jar stale=0 path
  shift
  if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -type f -print -quit)" ]; then stale=1; fi
  for path in "$@"; do [ -e "$path" ] || stale=1; done
  [ "$stale" = 1 ] || return 0
  printf '[%s] building %s\n' "$tag" "$jar" >&2
  mvn -B -q -DskipTests package >&2
}

# test_classpath: prints the classpath of the test classes (test-classes, classes, every test-scope dependency); the
# dependency part is kept in target/test-classpath.txt and rebuilt when pom.xml is newer.
test_classpath() {
  local file=target/test-classpath.txt
  if [ ! -s "$file" ] || [ pom.xml -nt "$file" ]; then
    mkdir -p target
    mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$file" >&2
  fi
  printf 'target/test-classes:target/classes:%s\n' "$(cat "$file")"
}

# need COMMAND [HINT]: fails with a line naming what to install when COMMAND is missing.
need() {
  command -v "$1" > /dev/null 2>&1 && return 0
  printf '%s: %s is needed (%s)\n' "$(basename "$0")" "$1" "${2:-Debian/Ubuntu: sudo apt-get install $1}" >&2
  exit 1
}

# use_python: finds python3 once and keeps the interpreter itself in LANES_PYTHON (exported, so child scripts reuse
# it): through a pyenv shim each call costs a few hundred ms on a busy machine, the interpreter a few tens.
use_python() {
  [ -z "${LANES_PYTHON:-}" ] || return 0
  need python3
  LANES_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
  export LANES_PYTHON
}

# py ARG...: python3 as use_python found it (or from the PATH when use_python was not called in this shell).
py() {
  if [ -n "${LANES_PYTHON:-}" ]; then "$LANES_PYTHON" "$@"; else need python3; python3 "$@"; fi
}

# wait_http URL SECONDS: until URL answers 2xx (each try bounded by 2 s); status 1 when SECONDS pass first.
wait_http() {
  need curl
  local deadline=$((SECONDS + $2))
  until curl -fs --max-time 2 -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# free_port [N]: N (default 1) distinct TCP ports free on 127.0.0.1 right now, one a line (the kernel picks them: all
# are held open together, then released, so another process could still take one before it is used).
free_port() {
  py -c '
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
for s in held:
    print(s.getsockname()[1])
    s.close()' "${1:-1}"
}

# json_get KEY [KEY...] < JSON: the value at that path (object keys or array indexes), strings bare, anything else as
# JSON; prints nothing when the input is not JSON or the path does not exist (status 0 either way: test for empty).
json_get() {
  py -c '
import json, sys
try:
    value = json.load(sys.stdin)
    for key in sys.argv[1:]:
        value = value[int(key)] if isinstance(value, list) else value[key]
except (ValueError, KeyError, IndexError, TypeError):
    sys.exit(0)
print(value if isinstance(value, str) else json.dumps(value))' "$@"
}

# json_lines KEY... < JSON: the value of each top-level KEY on a line of its own (an empty line when it is missing), as
# json_get prints it; one python3 run for several keys.
json_lines() {
  py -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    doc = {}
for key in sys.argv[1:]:
    value = doc.get(key) if isinstance(doc, dict) else None
    print("" if value is None else value if isinstance(value, str) else json.dumps(value))' "$@"
}

# median < numbers one a line: the middle one, or the mean of the two middle ones for an even count; "n/a" for none.
median() {
  sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "n/a"; exit }
      if (NR % 2) { print v[(NR + 1) / 2]; exit }
      m = sprintf("%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2)
      sub(/0+$/, "", m); sub(/\.$/, "", m); print m
    }'
}

# bg_start LOG COMMAND [ARG...]: runs COMMAND in the background, stdout and stderr to LOG; its pid is in $bg_pid.
bg_start() {
  local log=$1
  shift
  "$@" > "$log" 2>&1 &
  # shellcheck disable=SC2034  # read by the caller
  bg_pid=$!
}

# pid_alive PID: the process exists and is not a zombie (a child that exited is a zombie until it is waited for).
pid_alive() {
  local state
  kill -0 "$1" 2> /dev/null || return 1
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# bg_stop PID [GRACE_SECONDS]: SIGTERM, up to GRACE_SECONDS (default 60) for it to exit, then SIGKILL; reaps it when it
# is a child of this shell. Only ever the one pid given.
bg_stop() {
  local pid=$1 deadline=$((SECONDS + ${2:-60}))
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2> /dev/null || true
  while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  if pid_alive "$pid"; then
    printf '[%s] pid %s ignored SIGTERM for %s s: SIGKILL\n' "$(basename "$0")" "$pid" "${2:-60}" >&2
    kill -KILL "$pid" 2> /dev/null || true
  fi
  wait "$pid" 2> /dev/null || true
}

# lanes_java_opts CLUSTERED(0|1): the JVM options Lanes runs with: the measured defaults, then JAVA_OPTS (a later -Xmx
# wins; a collector named in JAVA_OPTS replaces the default one). The serial collector with a small young generation:
# Lanes' live set is small (every write reads one shared chunk, a request holds a few KiB), and the resident memory of
# a JVM is mostly the eden it keeps touching, so a 24 MiB eden keeps RSS down (peak 165 MiB after /hello at 100
# connections and /write at 50, against 167-176 MiB with -Xmx256m and G1) while the old generation may still grow to
# 256 MiB: 10,000 open connections hold ~8 KiB of heap each (Vert.x's and Netty's per-connection queues and pipeline),
# and a 64 MiB heap ran out of memory there (the JVM then ignored SIGTERM: hence exit on OutOfMemoryError, so a
# supervisor restarts it). A clustered node keeps the default young generation (Hazelcast allocates more).
#
# Thread priorities reach Linux (io.lanes.lane.WorkThreads): the threads that run lanes' work (writers, compute,
# blocking calls, tasks) lower themselves to Java's MIN_PRIORITY, nice 5 here, below the event loops' nice 0; the
# priorities above normal map to nice 0 too, so that as root the JVM's own threads do not go above the loops.
lanes_priority_opts() {
  local p opts="-XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=5"
  for p in 6 7 8 9 10; do opts="$opts -XX:JavaPriority${p}_To_OSPriority=0"; done
  echo "$opts"
}
lanes_java_opts() {
  local young=-Xmn24m gc=-XX:+UseSerialGC
  [ "${1:-0}" != 1 ] || young=""
  case " ${JAVA_OPTS:-} " in *" -XX:+Use"*GC" "*) gc="" ;; esac
  echo "-Xmx256m $young $gc -XX:MaxDirectMemorySize=256m -XX:+ExitOnOutOfMemoryError $(lanes_priority_opts) ${JAVA_OPTS:-}"
}
