#!/usr/bin/env bash
# Local stack for Concord's integration tests and for developers: one Redis (Debian's
# redis-server) and one single-node Apache Kafka broker (KRaft, combined broker+controller, run
# from its Maven Central jars on Java 17), both on 127.0.0.1.
#
#   deploy/local/stack.sh start|stop|status|restart-kafka|stop-kafka|start-kafka|stop-redis|start-redis
#
#   start          stops whatever this stack dir still runs, wipes its data, starts both servers
#                  fresh and prints, on stdout only, the two lines
#                      KAFKA_BROKERS=127.0.0.1:<port>
#                      REDIS_URL=redis://127.0.0.1:<port>
#                  Use it as:  env=$(deploy/local/stack.sh start) && eval "$env"
#                  (a bare eval "$(...)" would hide a failed start: eval of "" succeeds).
#   stop           stops both (SIGTERM, then SIGKILL after a bounded wait); keeps data and logs
#                  for a post-mortem; safe when nothing runs.
#   stop-kafka, start-kafka, restart-kafka, stop-redis, start-redis
#                  stop or start one server and keep its data: tests use them to simulate an
#                  outage and the recovery. A restarted server keeps the ports it was started
#                  with (its clients were told those).
#   status         one line per server on stdout; exit 0 when both run, 3 otherwise.
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), REDIS_PORT (6379);
# CONCORD_STACK_DIR (<repo>/.stack): data dirs, pid files, logs (kafka/kafka.log,
# redis/redis.log); CONCORD_KAFKA_LIBS (${XDG_CACHE_HOME:-$HOME/.cache}/concord/kafka-<version>):
# the broker's jars, fetched once with Maven from deploy/local/kafka/pom.xml;
# CONCORD_STACK_TIMEOUT (90): seconds a server gets to come up; KAFKA_ADVERTISED_PORT
# (KAFKA_PORT): the port the broker tells clients to use (a proxy's, for fault tests);
# CONCORD_STACK_HOST (127.0.0.1): the address both servers listen on (the controller stays on
# 127.0.0.1).
# All progress goes to stderr. deploy/local/free-port.sh picks free ports for a test run.
#
# Measured on the 2-core machine: a cold `start` (empty Maven repository and jar cache, 43 MB
# of jars fetched) takes about 14 s, and the `stop` after it about 4 s (the JVM writes its
# class-data archive, once); a warm `start` 3.5-4.5 s (1 s of it formats the new data dir);
# `start-kafka` on kept data 2.6-3 s (5 s without the archive); `start-redis` 0.2 s;
# `stop` 0.5 s.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

# Absolute, as the servers run in their own directories.
stack_dir="${CONCORD_STACK_DIR:-$repo_root/.stack}"
mkdir -p "$stack_dir"
stack_dir="$(cd "$stack_dir" && pwd)"
kafka_dir="$stack_dir/kafka"
redis_dir="$stack_dir/redis"
start_timeout="${CONCORD_STACK_TIMEOUT:-90}"
# The address Redis and the broker's client listener bind to and advertise: loopback, but for
# fault tests that run the stack inside a network namespace behind a veth link.
host="${CONCORD_STACK_HOST:-127.0.0.1}"
kafka_stop_timeout=30 # a clean broker shutdown takes 1-2 s; past this it is stuck
redis_stop_timeout=10

kafka_pom="$here/kafka/pom.xml"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$kafka_pom")"
kafka_libs="${CONCORD_KAFKA_LIBS:-${XDG_CACHE_HOME:-$HOME/.cache}/concord/kafka-$kafka_version}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Small heap (2-core, shared machine) and Kafka's own GC flags from kafka-run-class.sh.
kafka_jvm_opts=(
  -Xms256m -Xmx512m
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$here/kafka/log4j2.xml"
)
# Extra JVM options for the broker, e.g. CONCORD_KAFKA_JAVA_OPTS=-Xmx1g (later ones win).
read -r -a kafka_extra_opts <<<"${CONCORD_KAFKA_JAVA_OPTS:-}"
kafka_jvm_opts+=(${kafka_extra_opts[@]+"${kafka_extra_opts[@]}"})

log() { echo "stack: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: $0 start|stop|status|restart-kafka|stop-kafka|start-kafka|stop-redis|start-redis" >&2
  exit 2
}

# --- dependencies ----------------------------------------------------------------------------

ensure_deps() {
  local missing=() c
  for c in redis-server redis-cli "$java_bin" mvn python3; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "missing ${missing[*]}; running deploy/install-deps.sh"
    # Its stdout too goes to stderr: stdout of `start` is reserved for the two variables.
    "$repo_root/deploy/install-deps.sh" >&2 || die "deploy/install-deps.sh failed"
    for c in "${missing[@]}"; do
      command -v "$c" >/dev/null 2>&1 || die "$c is still missing after deploy/install-deps.sh"
    done
  fi
  # Kafka 4.x brokers need Java 17 or newer; an older default java fails with an obscure
  # UnsupportedClassVersionError, so say it plainly.
  local version major
  version="$("$java_bin" -version 2>&1)"
  major="$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<<"$version" | head -n 1)"
  [ "${major:-0}" -ge 17 ] || die "Kafka $kafka_version needs Java 17 or newer; $java_bin is version ${major:-unknown}"
  java_id="$(cksum <<<"$version" | cut -d' ' -f1)"
}

# Class-data sharing: an archive of the broker's loaded classes, made by the JVM itself when
# a broker started without one exits (ArchiveClassesAtExit), cuts each later start by about
# 2 s of the 5 (the JVM maps the classes instead of loading and verifying them). It lives next
# to the jars, keyed by the java build (an archive only fits the JVM that made it; a stale one
# would merely be ignored). A broker launched to dump one records where the archive goes in
# kafka/cds-target; only a broker stopped cleanly by this script publishes its dump (one killed
# mid-dump leaves a partial file).
java_id=""
cds_archive() { echo "$kafka_libs/kafka-cds-$java_id.jsa"; }

# A damaged archive does not fall back quietly: the JVM dies of SIGBUS. So an archive is
# tried on a `java -version` first (0.1 s) and dropped when that fails. It is only ever
# replaced by a rename, never rewritten in place: a running JVM maps the file.
usable_cds_archive() {
  local archive
  archive="$(cds_archive)"
  [ -f "$archive" ] || return 1
  if { "$java_bin" -Xshare:on "-XX:SharedArchiveFile=$archive" -XX:ErrorFile=/dev/null \
    -cp "$kafka_libs/*" -version; } >/dev/null 2>&1; then
    return 0
  fi
  log "the broker's class-data archive does not load; discarding it"
  rm -f "$archive"
  return 1
}

publish_cds_archive() {
  local dumped="$kafka_dir/kafka.jsa" archive
  archive="$(cat "$kafka_dir/cds-target" 2>/dev/null)" || archive=""
  if [ -s "$dumped" ] && [ -n "$archive" ] && [ ! -f "$archive" ]; then
    cp "$dumped" "$archive.$$" && mv -f "$archive.$$" "$archive" &&
      log "saved the broker's class-data archive; later starts are faster"
  fi
  rm -f "$dumped" "$kafka_dir/cds-target"
}

# Copies the broker's runtime classpath once into $kafka_libs. A stamp holding the POM's hash
# marks a complete copy, so an interrupted fetch or an edited POM fetches again; a lock keeps
# two test runs starting at once from writing the same directory.
ensure_kafka_libs() {
  local want stamp="$kafka_libs/.concord-complete"
  want="$(sha256sum "$kafka_pom" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$kafka_libs")"
  (
    flock 9
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
    log "fetching Kafka $kafka_version jars with Maven into $kafka_libs (once)"
    local tmp="$kafka_libs.partial"
    rm -rf "$tmp"
    # Debian's Maven 3.8 prints colour resets even in batch mode: strip them from stderr.
    mvn -B -q -f "$kafka_pom" \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 </dev/null |
      sed 's/\x1b\[[0-9;]*m//g' >&2 ||
      die "Maven could not fetch the Kafka jars (see above)"
    [ -f "$tmp/kafka_2.13-$kafka_version.jar" ] && compgen -G "$tmp/log4j-slf4j-impl-*.jar" >/dev/null ||
      die "the jars Maven copied lack kafka_2.13-$kafka_version.jar or the log4j SLF4J binding"
    echo "$want" >"$tmp/.concord-complete"
    rm -rf "$kafka_libs"
    mv "$tmp" "$kafka_libs"
  ) 9>"$kafka_libs.lock"
}

# --- processes -------------------------------------------------------------------------------

# True when $1 is a live process (not a zombie: a server this same script launched and that
# died stays a zombie until the script exits, and kill -0 still succeeds on it).
alive() {
  local pid="$1" state
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" || return 1
  [ "$state" != Z ]
}

# Prints the pid recorded in pid file $1 if that process still runs and its command line
# contains $2 (a reused pid belonging to something else is not ours to stop).
running_pid() {
  local pidfile="$1" mark="$2" pid
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$mark" || return 1
  echo "$pid"
}

# Starts "$@" as a daemon in its own session (so a Ctrl-C meant for the caller does not reach
# it), with all of stdin/stdout/stderr redirected: a server holding the caller's stdout would
# keep `$(stack.sh start)` waiting forever. The wrapper writes its own pid, then execs the
# server, so the pid file names the server itself.
launch() {
  local pidfile="$1" logfile="$2" cwd="$3"
  shift 3
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner bash
  (cd "$cwd" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@") \
    </dev/null >>"$logfile" 2>&1 &
  # Not a job of this shell: no "Killed" notice when stop_server has to SIGKILL it.
  disown $!
  local i
  for i in $(seq 50); do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
  done
  die "could not launch $1"
}

# SIGTERM, a bounded wait for a clean exit, then SIGKILL. Sets stopped_cleanly when the
# server exited on SIGTERM.
stopped_cleanly=""
stop_server() {
  local name="$1" pidfile="$2" mark="$3" timeout="$4" logfile="$5" pid i
  if ! pid="$(running_pid "$pidfile" "$mark")"; then
    rm -f "$pidfile"
    log "$name is not running"
    return 0
  fi
  log "stopping $name (pid $pid)"
  stopped_cleanly=""
  echo "==== $(date -u +%FT%TZ) stack.sh: stopping $name (SIGTERM)" >>"$logfile"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq $((timeout * 10))); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$name did not stop within ${timeout}s; killing it"
    echo "==== $(date -u +%FT%TZ) stack.sh: $name did not stop within ${timeout}s: SIGKILL" >>"$logfile"
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      alive "$pid" || break
      sleep 0.1
    done
    alive "$pid" && die "$name (pid $pid) survives SIGKILL"
  else
    stopped_cleanly=1
  fi
  rm -f "$pidfile"
}

# True when something accepts TCP connections on $host:$1 (the controller's port: 127.0.0.1).
port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$1" 2>/dev/null
}

fail_with_log() {
  local name="$1" logfile="$2" pidfile="$3" mark="$4"
  shift 4
  log "error: $*"
  if [ -f "$logfile" ]; then
    log "last lines of $logfile:"
    tail -n 40 "$logfile" | sed 's/^/  | /' >&2
  fi
  # A server that is up but not ready would confuse the next command: take it down.
  local pid
  if pid="$(running_pid "$pidfile" "$mark")"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  exit 1
}

check_port() {
  local name="$1" value="$2"
  [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le 65535 ] ||
    die "$name must be a TCP port number, not '$value'"
}

# A restarted server keeps the ports recorded when it was first started: its data and its
# clients belong to them. A caller naming other ports explicitly gets an error, not a surprise.
# Sets the variables named by the remaining arguments from file $1 or, when there is none
# yet, from the environment (or the defaults) and records them.
resolve_ports() {
  local record="$1" var recorded=() explicit value i=0
  shift
  if [ -f "$record" ]; then
    read -r -a recorded <"$record"
    for var in "$@"; do
      explicit="${!var:-}"
      if [ -n "$explicit" ] && [ "$explicit" != "${recorded[$i]}" ]; then
        die "$var=$explicit, but this stack was started with $var=${recorded[$i]}; run stop then start to change ports"
      fi
      printf -v "$var" '%s' "${recorded[$i]}"
      i=$((i + 1))
    done
  else
    local values=()
    for var in "$@"; do
      case "$var" in
        KAFKA_PORT) value="${KAFKA_PORT:-9092}" ;;
        KAFKA_CONTROLLER_PORT) value="${KAFKA_CONTROLLER_PORT:-9093}" ;;
        REDIS_PORT) value="${REDIS_PORT:-6379}" ;;
      esac
      check_port "$var" "$value"
      printf -v "$var" '%s' "$value"
      values+=("$value")
    done
    mkdir -p "$(dirname "$record")"
    echo "${values[*]}" >"$record"
  fi
}

# --- Redis -----------------------------------------------------------------------------------

redis_pidfile="$redis_dir/redis.pid"
redis_log="$redis_dir/redis.log"
redis_mark="redis-server" # redis-server rewrites its command line to "redis-server <addr>"

launch_redis() {
  resolve_ports "$redis_dir/ports" REDIS_PORT
  if running_pid "$redis_pidfile" "$redis_mark" >/dev/null; then
    log "redis is already running on $host:$REDIS_PORT"
    return 0
  fi
  ! port_in_use "$REDIS_PORT" || die "$host:$REDIS_PORT (REDIS_PORT) is in use by another process"
  mkdir -p "$redis_dir/data"
  # Append-only file, fsync'd every second: stop-redis/start-redis keeps the data like a real
  # outage of a persistent Redis would; no RDB snapshots, which only cost time in tests.
  # Protected mode refuses every client from a non-loopback address when there is no
  # password: off only for a stack bound inside a test's own network namespace.
  local protected=yes
  [ "$host" = 127.0.0.1 ] || protected=no
  cat >"$redis_dir/redis.conf" <<EOF
# Generated by deploy/local/stack.sh at every start; edits are overwritten.
bind $host
protected-mode $protected
port $REDIS_PORT
daemonize no
dir "$redis_dir/data"
save ""
appendonly yes
appendfsync everysec
logfile ""
loglevel notice
EOF
  echo "==== $(date -u +%FT%TZ) stack.sh: starting redis" >>"$redis_log"
  log "starting redis on $host:$REDIS_PORT"
  launch "$redis_pidfile" "$redis_log" "$redis_dir" redis-server "$redis_dir/redis.conf"
}

wait_redis() {
  local deadline=$((SECONDS + start_timeout)) pid
  while :; do
    pid="$(running_pid "$redis_pidfile" "$redis_mark")" ||
      fail_with_log redis "$redis_log" "$redis_pidfile" "$redis_mark" "redis-server exited during start"
    [ "$(redis-cli -h $host -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    [ $SECONDS -lt $deadline ] ||
      fail_with_log redis "$redis_log" "$redis_pidfile" "$redis_mark" "redis did not answer PING within ${start_timeout}s"
    sleep 0.1
  done
  log "redis is ready on $host:$REDIS_PORT (pid $pid)"
}

stop_redis() { stop_server redis "$redis_pidfile" "$redis_mark" "$redis_stop_timeout" "$redis_log"; }

# --- Kafka -----------------------------------------------------------------------------------

kafka_pidfile="$kafka_dir/kafka.pid"
kafka_log="$kafka_dir/kafka.log"
kafka_props="$kafka_dir/server.properties"
kafka_mark="kafka.Kafka $kafka_props"
kafka_log_offset=0 # size of kafka.log before this launch: readiness looks only past it

write_kafka_props() {
  cat >"$kafka_props" <<EOF
# Generated by deploy/local/stack.sh at every start; edits are overwritten.
# One node that is both broker and KRaft controller, on loopback only. A static voter set
# (controller.quorum.voters, formatted without --standalone) keeps the quorum in this file
# rather than in the metadata log.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$host:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$host:${KAFKA_ADVERTISED_PORT:-$KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$kafka_dir/data

# One replica of everything: the defaults (3) cannot be met by one broker, and the consumer
# offsets and transaction state topics would never be created.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Internal topics with one partition instead of 50: created and loaded in a blink when a test
# first uses a consumer group or a transaction.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
num.partitions=1

# Services create their own topics (with retention.ms=-1); a typo must fail, not create one.
auto.create.topics.enable=false
# Fast tests: a group rebalances as soon as its first member joins; tests may use short
# session timeouts; a transaction left open by a killed producer is aborted within a second of
# its transaction.timeout.ms (read_committed consumers wait on it till then), and expired
# transactional ids are swept every minute instead of every hour.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
transaction.remove.expired.transaction.cleanup.interval.ms=60000
# The broker heartbeats its (co-located) controller to get unfenced; a shorter interval than
# the default 2 s lets it serve clients sooner after a start. After a SIGKILL the restarted
# broker is refused until the dead one's session expires (default 9 s; 4 s here still leaves
# 8 heartbeats of slack for a loaded machine).
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=4000

# Sized for a 2-core machine and a 512 MiB heap: fewer threads, and a 32 MiB log-cleaner
# buffer instead of 128 MiB (only __consumer_offsets is compacted).
num.network.threads=2
num.io.threads=4
background.threads=4
log.cleaner.dedupe.buffer.size=33554432
EOF
}

# Kafka's cluster id is a random 16-byte UUID in URL-safe base64 without padding; Kafka's own
# generator rejects ids starting with '-' (they read as command-line options). Made here
# rather than with `StorageTool random-uuid`, which would cost one more JVM start.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [ "${id:0:1}" != - ] && break
  done
  echo "$id"
}

launch_kafka() {
  resolve_ports "$kafka_dir/ports" KAFKA_PORT KAFKA_CONTROLLER_PORT
  [ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT are both $KAFKA_PORT"
  if running_pid "$kafka_pidfile" "$kafka_mark" >/dev/null; then
    log "kafka is already running on $host:$KAFKA_PORT"
    return 0
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    ! port_in_use "$p" || die "$host:$p (Kafka) is in use by another process"
  done
  ensure_kafka_libs
  mkdir -p "$kafka_dir/data"
  write_kafka_props
  touch "$kafka_log"
  kafka_log_offset="$(stat -c %s "$kafka_log")"
  # Format only a new data dir: start-kafka after stop-kafka must find the same cluster and
  # the same data (formatting again would fail anyway, as the dir is no longer empty).
  if [ ! -f "$kafka_dir/data/meta.properties" ]; then
    log "formatting the Kafka data dir"
    # A short-lived tool: the C1 compiler alone starts it faster.
    "$java_bin" -Xmx256m -XX:TieredStopAtLevel=1 "-Dlog4j2.configurationFile=$here/kafka/log4j2.xml" \
      -cp "$kafka_libs/*" kafka.tools.StorageTool format -t "$(new_cluster_id)" -c "$kafka_props" \
      >>"$kafka_log" 2>&1 ||
      fail_with_log kafka "$kafka_log" "$kafka_pidfile" "$kafka_mark" "formatting the Kafka data dir failed"
  fi
  # A marker in the log, so an outage and a recovery read plainly there.
  echo "==== $(date -u +%FT%TZ) stack.sh: starting kafka" >>"$kafka_log"
  local cds=()
  rm -f "$kafka_dir/kafka.jsa" "$kafka_dir/cds-target"
  if usable_cds_archive; then
    cds=("-XX:SharedArchiveFile=$(cds_archive)")
  elif [ -n "$java_id" ]; then
    cds=("-XX:ArchiveClassesAtExit=$kafka_dir/kafka.jsa")
    cds_archive >"$kafka_dir/cds-target"
  fi
  log "starting kafka $kafka_version on $host:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
  launch "$kafka_pidfile" "$kafka_log" "$kafka_dir" \
    "$java_bin" "${kafka_jvm_opts[@]}" "${cds[@]}" -cp "$kafka_libs/*" kafka.Kafka "$kafka_props"
}

# Ready = the broker logged "Kafka Server started" since this launch AND answers a Metadata
# request listing itself (python, standard library only: deploy/local/kafka-metadata.py).
wait_kafka() {
  local deadline=$((SECONDS + start_timeout)) pid started=""
  while :; do
    pid="$(running_pid "$kafka_pidfile" "$kafka_mark")" ||
      fail_with_log kafka "$kafka_log" "$kafka_pidfile" "$kafka_mark" "the Kafka broker exited during start"
    if [ -z "$started" ] && tail -c +$((kafka_log_offset + 1)) "$kafka_log" | grep -q "Kafka Server started"; then
      started=1
    fi
    if [ -n "$started" ] && python3 "$here/kafka-metadata.py" $host "$KAFKA_PORT" --timeout 2 --quiet; then
      break
    fi
    [ $SECONDS -lt $deadline ] ||
      fail_with_log kafka "$kafka_log" "$kafka_pidfile" "$kafka_mark" "the Kafka broker did not come up within ${start_timeout}s"
    sleep 0.2
  done
  log "kafka is ready on $host:$KAFKA_PORT (pid $pid)"
}

stop_kafka() {
  stop_server kafka "$kafka_pidfile" "$kafka_mark" "$kafka_stop_timeout" "$kafka_log"
  if [ -n "$stopped_cleanly" ]; then publish_cds_archive; fi
}

# --- commands --------------------------------------------------------------------------------

cmd_start() {
  ensure_deps
  ensure_kafka_libs # before anything runs: a failed fetch leaves nothing to clean up
  local kp="${KAFKA_PORT:-9092}" cp="${KAFKA_CONTROLLER_PORT:-9093}" rp="${REDIS_PORT:-6379}"
  check_port KAFKA_PORT "$kp"
  check_port KAFKA_CONTROLLER_PORT "$cp"
  check_port REDIS_PORT "$rp"
  [ "$kp" != "$cp" ] && [ "$kp" != "$rp" ] && [ "$cp" != "$rp" ] ||
    die "KAFKA_PORT ($kp), KAFKA_CONTROLLER_PORT ($cp) and REDIS_PORT ($rp) must differ"
  stop_kafka
  stop_redis
  rm -rf "$kafka_dir" "$redis_dir"
  # A start that fails half-way takes down what it started, so callers never inherit half a
  # stack.
  trap 'stop_kafka; stop_redis' EXIT
  # The JVM takes seconds and Redis milliseconds: launch the broker first, ready Redis while
  # it boots.
  launch_kafka
  launch_redis
  wait_redis
  wait_kafka
  trap - EXIT
  echo "KAFKA_BROKERS=$host:$KAFKA_PORT"
  echo "REDIS_URL=redis://$host:$REDIS_PORT"
}

cmd_status() {
  local pid all=0
  if [ -f "$kafka_dir/ports" ]; then read -r KAFKA_PORT KAFKA_CONTROLLER_PORT <"$kafka_dir/ports"; fi
  if [ -f "$redis_dir/ports" ]; then read -r REDIS_PORT <"$redis_dir/ports"; fi
  if pid="$(running_pid "$kafka_pidfile" "$kafka_mark")"; then
    echo "kafka running pid $pid KAFKA_BROKERS=$host:${KAFKA_PORT:-?}"
  else
    echo "kafka stopped"
    all=3
  fi
  if pid="$(running_pid "$redis_pidfile" "$redis_mark")"; then
    echo "redis running pid $pid REDIS_URL=redis://$host:${REDIS_PORT:-?}"
  else
    echo "redis stopped"
    all=3
  fi
  return $all
}

[ $# -eq 1 ] || usage
[ -n "$kafka_version" ] || die "cannot read kafka.version from $kafka_pom"

case "$1" in
  start) cmd_start ;;
  stop)
    stop_kafka
    stop_redis
    ;;
  status) cmd_status ;;
  stop-kafka) stop_kafka ;;
  start-kafka)
    ensure_deps
    launch_kafka
    wait_kafka
    ;;
  restart-kafka)
    ensure_deps
    stop_kafka
    launch_kafka
    wait_kafka
    ;;
  stop-redis) stop_redis ;;
  start-redis)
    ensure_deps
    launch_redis
    wait_redis
    ;;
  *) usage ;;
esac
