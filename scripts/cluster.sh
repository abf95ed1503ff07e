#!/usr/bin/env bash
# A standalone Flink session cluster on loopback, from Flink's Maven Central artifacts (flink-dist is not
# published there): one JobManager and NCE_FLINK_TASKMANAGERS TaskManagers, each its own JVM.
#
#   scripts/cluster.sh up|down|status|tm-kill N|tm-start N|submit [--config FILE] [--jar JAR]|cancel JOBID|env
#
# The classpath is cluster/target/classpath.txt (flink-runtime, flink-runtime-web, flink-clients, log4j2;
# written by ./nce build). Config, checkpoints, blobs and uploads live in $NCE_HOME/flink, logs in
# $NCE_HOME/logs/flink-*.log, pid files in $NCE_HOME/run/flink-*.pid. See docs/services.md.
# Idempotent like services.sh: up leaves running processes alone, down is a no-op when nothing runs.
set -Eeuo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEMPLATES=$REPO/deploy/local

# ---------------------------------------------------------------- configuration
NCE_HOME=$(realpath -m "${NCE_HOME:-$REPO/.nce}")
NCE_FLINK_REST_PORT=${NCE_FLINK_REST_PORT:-8081}
NCE_FLINK_RPC_PORT=${NCE_FLINK_RPC_PORT:-6123}
NCE_FLINK_BLOB_PORT=${NCE_FLINK_BLOB_PORT:-6124}
# TaskManager N listens for RPC on NCE_FLINK_TM_RPC_PORT + N - 1 when it is set (6130, 6131, ...);
# by default on an ephemeral port, new at each start. A TaskManager restarted after kill -9 on its old
# port can find the JobManager still holding a read-only association to that address and discarding
# its messages, so it never registers (seen in CI: "Discarding inbound message ... in read-only
# association", then 120 s without registration).
NCE_FLINK_TM_RPC_PORT=${NCE_FLINK_TM_RPC_PORT:-0}
NCE_FLINK_TASKMANAGERS=${NCE_FLINK_TASKMANAGERS:-2}
NCE_FLINK_SLOTS=${NCE_FLINK_SLOTS:-2}
NCE_FLINK_JM_MEMORY=${NCE_FLINK_JM_MEMORY:-768m}
NCE_FLINK_TM_MEMORY=${NCE_FLINK_TM_MEMORY:-1536m}
NCE_FLINK_JAVA_OPTS=${NCE_FLINK_JAVA_OPTS:-}
NCE_FLINK_START_TIMEOUT=${NCE_FLINK_START_TIMEOUT:-120}
NCE_FLINK_CLASSPATH_FILE=${NCE_FLINK_CLASSPATH_FILE:-$REPO/cluster/target/classpath.txt}
NCE_JOB_JAR=${NCE_JOB_JAR:-$REPO/pipeline-job/target/nce-job.jar}

FLINK_HOME=$NCE_HOME/flink
CONF_DIR=$FLINK_HOME/conf
RUN_DIR=$NCE_HOME/run
LOG_DIR=$NCE_HOME/logs
REST=http://127.0.0.1:$NCE_FLINK_REST_PORT

# Module access Flink needs on Java 17: the JobManager runs user mains over REST (reflection into
# java.util/java.lang), Kryo and the state serializers reach into collections and atomics.
JAVA_MODULE_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# ---------------------------------------------------------------- output helpers
T0=${EPOCHREALTIME/[.,]/}
elapsed() { local t=$(( (${EPOCHREALTIME/[.,]/} - T0) / 100000 )); printf '%3d.%ds' $((t / 10)) $((t % 10)); }
say()  { printf '[cluster %s] %s\n' "$(elapsed)" "$*" >&2; }
warn() { printf '[cluster %s] WARNING: %s\n' "$(elapsed)" "$*" >&2; }
die()  { printf '[cluster %s] ERROR: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

show_log() {
  local f=$1 n=${2:-40}
  if [[ -s $f ]]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf -- '----- end of %s -----\n' "$f" >&2
  else
    printf '(log %s is empty or missing)\n' "$f" >&2
  fi
}

# ---------------------------------------------------------------- small utilities
# shellcheck disable=SC2016 # $0 expands in the child shell, on purpose
port_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

proc_alive() {
  local rest st
  read -r rest 2>/dev/null < "/proc/$1/stat" || return 1
  rest=${rest##*) }
  st=${rest%% *}
  [[ -n $st && $st != Z ]]
}

java_bin() {
  if [[ -n ${NCE_JAVA_HOME:-} ]]; then echo "$NCE_JAVA_HOME/bin/java"; return; fi
  if [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME}/bin/java ]]; then echo "$JAVA_HOME/bin/java"; return; fi
  command -v java || die "no java on PATH (need JDK 17+)"
}

render() {
  local template=$1 out=$2; shift 2
  local text kv
  text=$(<"$template")
  for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
  [[ $text != *@[A-Z_]*@* ]] || die "unsubstituted token in $template: $(grep -o '@[A-Z_]*@' <<<"$text" | head -1)"
  printf '%s\n' "$text" > "$out.tmp"
  mv -f "$out.tmp" "$out"
}

need_curl() { command -v curl >/dev/null || die "curl is needed for the REST API (apt-get install curl)"; }

# GET $REST$1; prints the body, fails on connection errors and HTTP errors.
rest_get() { curl -sf --max-time "${2:-5}" "$REST$1"; }

# The value of a top-level JSON key (number or string) without jq: "key":value.
# Prints nothing (and succeeds) when the key is missing.
json_value() { { grep -o "\"$1\":\(\"[^\"]*\"\|[0-9.-]*\)" || true; } | head -1 | cut -d: -f2- | tr -d '"'; }

cluster_classpath() {
  [[ -s $NCE_FLINK_CLASSPATH_FILE ]] || die "$NCE_FLINK_CLASSPATH_FILE is missing: run ./nce build first"
  cat "$NCE_FLINK_CLASSPATH_FILE"
}

# ---------------------------------------------------------------- process bookkeeping
# Names: jm, tm-1, tm-2, ...
pid_file() { echo "$RUN_DIR/flink-$1.pid"; }
proc_log() { echo "$LOG_DIR/flink-$1.log"; }
proc_out() { echo "$LOG_DIR/flink-$1.out"; }
# -Dnce.service=<marker> is on every command line: guards against pid reuse.
proc_marker() { echo "nce.service=flink-$1"; }

proc_pid() {
  local f; f=$(pid_file "$1")
  [[ -s $f ]] || return 1
  local pid; pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-D$(proc_marker "$1") " || return 1
  echo "$pid"
}

tm_names() { local i; for ((i = 1; i <= NCE_FLINK_TASKMANAGERS; i++)); do echo "tm-$i"; done; }

configure() {
  mkdir -p "$CONF_DIR" "$RUN_DIR" "$LOG_DIR" "$FLINK_HOME"/{checkpoints,savepoints,uploads,tmp,blobs,web}
  render "$TEMPLATES/flink-config.yaml.in" "$CONF_DIR/config.yaml" \
    "HOME=$FLINK_HOME" "REST_PORT=$NCE_FLINK_REST_PORT" "RPC_PORT=$NCE_FLINK_RPC_PORT" \
    "BLOB_PORT=$NCE_FLINK_BLOB_PORT" "TM_RPC_PORT=$NCE_FLINK_TM_RPC_PORT" \
    "JM_MEMORY=$NCE_FLINK_JM_MEMORY" "TM_MEMORY=$NCE_FLINK_TM_MEMORY" "SLOTS=$NCE_FLINK_SLOTS"
  render "$TEMPLATES/flink-log4j.properties.in" "$CONF_DIR/log4j.properties"
}

# JVM memory flags and dynamic -D configs Flink derives from config.yaml, as its own bin/ scripts do:
# BashJavaUtils prints two result lines (JVM params, then dynamic configs). $1: GET_JM_RESOURCE_PARAMS
# or GET_TM_RESOURCE_PARAMS. Sets RESOURCE_JVM_PARAMS and RESOURCE_DYNAMIC_CONFIGS.
resource_params() {
  local out results
  out=$("$(java_bin)" -Dlog.file="$LOG_DIR/flink-bash-java-utils.log" \
          -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
          -cp "$(cluster_classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF_DIR" 2>&1) \
    || { printf '%s\n' "$out" >&2; die "BashJavaUtils $1 failed"; }
  results=$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://') || true
  [[ $(wc -l <<<"$results") -ge 2 ]] || { printf '%s\n' "$out" >&2; die "unexpected BashJavaUtils $1 output"; }
  RESOURCE_JVM_PARAMS=$(tail -n 2 <<<"$results" | head -n 1)
  RESOURCE_DYNAMIC_CONFIGS=$(tail -n 1 <<<"$results")
}

# Starts one process in its own session (pid == process group id), logging to NCE_HOME/logs.
launch() {
  local name=$1 main=$2; shift 2
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$name" >> "$(proc_out "$name")"
  # shellcheck disable=SC2086 # the JVM params and dynamic configs are word lists on purpose
  setsid "$(java_bin)" $RESOURCE_JVM_PARAMS "${JAVA_MODULE_OPTS[@]}" $NCE_FLINK_JAVA_OPTS \
    "-D$(proc_marker "$name")" -Dlog.file="$(proc_log "$name")" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$(cluster_classpath)" "$main" --configDir "$CONF_DIR" $RESOURCE_DYNAMIC_CONFIGS "$@" \
    >> "$(proc_out "$name")" 2>&1 < /dev/null &
  echo $! > "$(pid_file "$name")"
}

# Waits until check succeeds; fails early (with the log) if the process died.
wait_for() {
  local name=$1 what=$2 timeout=$3; shift 3
  local deadline=$(( SECONDS + timeout )) pid
  while (( SECONDS < deadline )); do
    # The raw pid, not proc_pid: right after the fork the command line is still this script's.
    pid=$(cat "$(pid_file "$name")" 2>/dev/null || true)
    if [[ -z $pid ]] || ! proc_alive "$pid"; then
      show_log "$(proc_out "$name")" 20
      show_log "$(proc_log "$name")" 40
      rm -f "$(pid_file "$name")"
      die "$name exited during start-up"
    fi
    if "$@"; then return 0; fi
    sleep 0.5
  done
  show_log "$(proc_log "$name")" 40
  die "$name: $what not reached after ${timeout}s (it keeps running; ./nce cluster down stops it)"
}

rest_up() { rest_get /overview 2 >/dev/null; }

# Number of TaskManagers registered with the JobManager whose id is $1 (or any, without $1).
registered_tms() {
  local body; body=$(rest_get /taskmanagers 2) || { echo 0; return; }
  if [[ -n ${1:-} ]]; then grep -o "\"id\":\"$1\"" <<<"$body" | wc -l
  else grep -o '"id":"[^"]*"' <<<"$body" | wc -l; fi
}
# Registered since we launched it: the REST list still shows a killed TaskManager of the same name until
# its heartbeat times out, so the proof is the new process's own log line.
declare -A LOG_OFFSET=()
tm_registered() {
  local log; log=$(proc_log "$1")
  local from=${LOG_OFFSET[$1]:-0}
  [[ -f $log ]] || return 1
  (( $(stat -c %s "$log") >= from )) || from=0   # rolled over meanwhile
  tail -c "+$(( from + 1 ))" "$log" | grep -q 'Successful registration at resource manager' \
    && [[ $(registered_tms "$1") -ge 1 ]]
}

start_jm() {
  local pid
  if pid=$(proc_pid jm); then say "jobmanager: already running (pid $pid), REST $REST"; return 0; fi
  if port_open "$NCE_FLINK_REST_PORT"; then
    die "port $NCE_FLINK_REST_PORT (Flink REST) is in use by a process this script did not start; set NCE_FLINK_REST_PORT"
  fi
  # Each process has its own blob and tmp directories; what a killed one left there is garbage now
  # (the job jar alone is ~120 MB per copy).
  rm -rf "${FLINK_HOME:?}/blobs/jm" "$FLINK_HOME/tmp/jm" "$FLINK_HOME/uploads"
  mkdir -p "$FLINK_HOME/blobs/jm" "$FLINK_HOME/tmp/jm" "$FLINK_HOME/uploads"
  resource_params GET_JM_RESOURCE_PARAMS
  say "jobmanager: starting (process $NCE_FLINK_JM_MEMORY; REST $REST, RPC 127.0.0.1:$NCE_FLINK_RPC_PORT, blob :$NCE_FLINK_BLOB_PORT)"
  launch jm org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    -D "blob.storage.directory=$FLINK_HOME/blobs/jm" -D "io.tmp.dirs=$FLINK_HOME/tmp/jm"
  wait_for jm "REST endpoint" "$NCE_FLINK_START_TIMEOUT" rest_up
  say "jobmanager: up (pid $(proc_pid jm))"
}

# $1: tm-N. Starts it unless running; waits until it has registered. Its resource id is its name, so a
# restarted tm-1 replaces the dead one's registration at once.
start_tm() {
  local name=$1 pid
  if pid=$(proc_pid "$name"); then say "$name: already running (pid $pid)"; return 0; fi
  rm -rf "${FLINK_HOME:?}/blobs/$name" "$FLINK_HOME/tmp/$name"
  mkdir -p "$FLINK_HOME/blobs/$name" "$FLINK_HOME/tmp/$name"
  resource_params GET_TM_RESOURCE_PARAMS
  say "$name: starting (process $NCE_FLINK_TM_MEMORY, $NCE_FLINK_SLOTS slots)"
  local port=0
  if (( NCE_FLINK_TM_RPC_PORT > 0 )); then
    port=$(( NCE_FLINK_TM_RPC_PORT + ${name#tm-} - 1 ))
    port_open "$port" && die "port $port ($name RPC) is in use by another process; set NCE_FLINK_TM_RPC_PORT"
  fi
  LOG_OFFSET[$name]=$(stat -c %s "$(proc_log "$name")" 2>/dev/null || echo 0)
  launch "$name" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -D "taskmanager.resource-id=$name" -D "taskmanager.rpc.port=$port" \
    -D "blob.storage.directory=$FLINK_HOME/blobs/$name" -D "io.tmp.dirs=$FLINK_HOME/tmp/$name"
}

wait_tm() {
  wait_for "$1" "registration with the JobManager" "$NCE_FLINK_START_TIMEOUT" tm_registered "$1"
  say "$1: registered (pid $(proc_pid "$1"))"
}

stop_proc() {
  local name=$1 pid
  if ! pid=$(proc_pid "$name"); then rm -f "$(pid_file "$name")"; return 1; fi
  say "$name: stopping (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )) && proc_alive "$pid"; do sleep 0.2; done
  if proc_alive "$pid"; then
    warn "$name did not stop within 30s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

# TaskManagers started with tm-start beyond NCE_FLINK_TASKMANAGERS have pid files too.
known_tms() {
  { tm_names; local f; for f in "$RUN_DIR"/flink-tm-*.pid; do [[ -e $f ]] && basename "$f" .pid | sed 's/^flink-//'; done; } | sort -u -t- -k2n
}

# ---------------------------------------------------------------- commands
# The job reads its secrets where it uses them, from the environment of the TaskManagers (the MQTT
# password where a source reader connects, the S3 keys where evidence is written), which inherit
# ours. Missing ones are a start-up error naming them: no published default stands in for them
# outside ./nce demo and ./nce test.
check_secrets() {
  local v missing=()
  for v in NCE_MQTT_PASSWORD NCE_S3_ACCESS_KEY NCE_S3_SECRET_KEY; do [[ -n ${!v:-} ]] || missing+=("$v"); done
  ((${#missing[@]} == 0)) || die "${missing[*]} not set: the NCE job reads them on the TaskManagers (export them, or use ./nce demo --cluster, which sets the loopback sandbox's development values)"
}

cmd_up() {
  need_curl
  check_secrets
  configure
  start_jm
  local tm started=()
  for tm in $(tm_names); do
    if ! proc_pid "$tm" >/dev/null; then start_tm "$tm"; started+=("$tm"); else say "$tm: already running (pid $(proc_pid "$tm"))"; fi
  done
  for tm in "${started[@]}"; do wait_tm "$tm"; done
  say "cluster up: $REST ($(registered_tms) TaskManagers, $(rest_get /overview | json_value slots-total) slots)"
}

cmd_down() {
  local any=0 tm
  for tm in $(known_tms); do stop_proc "$tm" && any=1; done
  stop_proc jm && any=1
  if (( any )); then say "cluster stopped"; else say "cluster: not running"; fi
}

cmd_status() {
  local rc=0 name pid
  for name in jm $(known_tms); do
    if pid=$(proc_pid "$name"); then
      printf '%-11s %-8s pid %-8s log %s\n' "$([[ $name == jm ]] && echo jobmanager || echo "$name")" running "$pid" "$(proc_log "$name")"
    else
      printf '%-11s %-8s\n' "$([[ $name == jm ]] && echo jobmanager || echo "$name")" down
      [[ $name == jm || $name =~ ^tm-[0-9]+$ && ${name#tm-} -le $NCE_FLINK_TASKMANAGERS ]] && rc=3
    fi
  done
  local overview
  if overview=$(rest_get /overview 2>/dev/null); then
    printf 'REST %s: Flink %s, %s TaskManagers, %s/%s slots free, jobs running %s, finished %s, cancelled %s, failed %s\n' "$REST" \
      "$(json_value flink-version <<<"$overview")" "$(json_value taskmanagers <<<"$overview")" \
      "$(json_value slots-available <<<"$overview")" "$(json_value slots-total <<<"$overview")" \
      "$(json_value jobs-running <<<"$overview")" "$(json_value jobs-finished <<<"$overview")" \
      "$(json_value jobs-cancelled <<<"$overview")" "$(json_value jobs-failed <<<"$overview")"
    rest_get /jobs/overview 2>/dev/null | grep -o '"jid":"[^"]*","name":"[^"]*"[^}]*"state":"[A-Z]*"' \
      | sed 's/"jid":"\([^"]*\)","name":"\([^"]*\)".*"state":"\([A-Z]*\)"/job \1 \3 \2/' || true
  else
    printf 'REST %s: not answering\n' "$REST"
    rc=3
  fi
  return $rc
}

cmd_tm_kill() {
  local name=tm-${1:?usage: tm-kill N} pid
  pid=$(proc_pid "$name") || die "$name is not running"
  kill -KILL "$pid"
  while proc_alive "$pid"; do sleep 0.1; done
  rm -f "$(pid_file "$name")"
  say "$name: killed (kill -9 $pid)"
}

cmd_tm_start() {
  local name=tm-${1:?usage: tm-start N}
  [[ $1 =~ ^[0-9]+$ ]] || die "tm-start takes a number"
  need_curl
  check_secrets
  proc_pid jm >/dev/null || die "the jobmanager is not running (./nce cluster up)"
  configure
  start_tm "$name"
  wait_tm "$name"
}

cmd_submit() {
  local config="" jar=$NCE_JOB_JAR parallelism="" from=""
  while (($#)); do
    case $1 in
      --config) config=$(realpath "${2:?--config FILE}"); shift 2 ;;
      --from) from=${2:?--from CHECKPOINT_OR_SAVEPOINT}; shift 2 ;;
      --jar) jar=${2:?--jar JAR}; shift 2 ;;
      --parallelism) parallelism=${2:?--parallelism N}; shift 2 ;;
      *) die "unknown argument $1; usage: submit [--config FILE] [--jar JAR] [--parallelism N] [--from CHECKPOINT_DIR]" ;;
    esac
  done
  need_curl
  [[ -n $config ]] || config=$REPO/deploy/config/pipeline.cluster.yaml
  [[ -s $config ]] || die "no config file $config"
  [[ -s $jar ]] || die "no job jar $jar: run ./nce build first"
  rest_up || die "no Flink cluster answers at $REST (./nce cluster up)"
  say "uploading $(basename "$jar") ($(( $(stat -c %s "$jar") / 1048576 )) MB) to $REST"
  local up id
  up=$(curl -sS --max-time 300 -X POST -H "Expect:" -F "jarfile=@$jar;type=application/java-archive" "$REST/jars/upload") \
    || die "upload failed"
  [[ $(json_value status <<<"$up") == success ]] || die "upload refused: $up"
  id=$(json_value filename <<<"$up"); id=${id##*/}
  say "running org.nce.pipeline.NceJob --config $config${from:+ from $from}"
  local body run jobid out_from
  # The main runs on the JobManager; what it prints (NceJob's config problems) lands in its .out file.
  out_from=$(stat -c %s "$(proc_out jm)" 2>/dev/null || echo 0)
  body="{\"entryClass\":\"org.nce.pipeline.NceJob\",\"programArgsList\":[\"--config\",\"$config\"]${parallelism:+,\"parallelism\":$parallelism}${from:+,\"savepointPath\":\"$from\"}}"
  run=$(curl -sS --max-time 300 -X POST -H 'Content-Type: application/json' -d "$body" "$REST/jars/$id/run") \
    || die "run request failed"
  jobid=$(json_value jobid <<<"$run")
  # The uploaded jar is only needed to create the job (the job itself has its copy in the blob store).
  curl -sf --max-time 30 -X DELETE "$REST/jars/$id" >/dev/null || true
  if [[ -z $jobid ]]; then
    local printed
    printed=$(tail -c "+$(( out_from + 1 ))" "$(proc_out jm)" 2>/dev/null | grep -v '^WARNING' | tail -n 20) || true
    [[ -z $printed ]] || printf 'the job main printed (on the JobManager, %s):\n%s\n' "$(proc_out jm)" "$printed" >&2
    die "the job did not start: $(sed 's/\\n/\n/g; s/\\t/  /g' <<<"$run" | grep -E '^(Caused by|[a-z].*Exception)' | tail -n 3)"
  fi
  say "job $jobid submitted (./nce cluster status; web UI $REST)"
  echo "$jobid"
}

cmd_cancel() {
  local id=${1:?usage: cancel JOBID}
  need_curl
  curl -sf --max-time 30 -X PATCH "$REST/jobs/$id?mode=cancel" >/dev/null || die "cancel of $id refused"
  say "job $id: cancel requested"
}

usage() {
  cat <<EOF
usage: $(basename "$0") up|down|status|tm-kill N|tm-start N|submit [--config FILE] [--jar JAR]|cancel JOBID|env

  up         start the JobManager and $NCE_FLINK_TASKMANAGERS TaskManagers (those not running), wait until registered
  down       stop every process of the cluster (a no-op when nothing runs)
  status     one line per process, the REST overview and the jobs; exit 0 only if all are up
  tm-kill N  kill -9 TaskManager N (failure tests)
  tm-start N start TaskManager N and wait until it has registered
  submit     upload the job jar over REST and run org.nce.pipeline.NceJob --config FILE on the cluster
             (default config: deploy/config/pipeline.cluster.yaml); prints the job id. --from DIR: start
             from a retained checkpoint or savepoint (e.g. \$NCE_HOME/flink/checkpoints/<job>/chk-N)
  cancel     cancel a job
  env        print the cluster's settings as shell exports

state: \$NCE_HOME/flink=$FLINK_HOME   REST $REST   RPC $NCE_FLINK_RPC_PORT   blob $NCE_FLINK_BLOB_PORT   TM RPC $NCE_FLINK_TM_RPC_PORT+
EOF
}

main() {
  local cmd=${1:-}; shift || true
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    tm-kill) cmd_tm_kill "$@" ;;
    tm-start) cmd_tm_start "$@" ;;
    submit) cmd_submit "$@" ;;
    cancel) cmd_cancel "$@" ;;
    env)
      cat <<EOF
export NCE_FLINK_REST_URL=$REST
export NCE_FLINK_REST_PORT=$NCE_FLINK_REST_PORT
export NCE_FLINK_RPC_PORT=$NCE_FLINK_RPC_PORT
export NCE_FLINK_BLOB_PORT=$NCE_FLINK_BLOB_PORT
export NCE_FLINK_TASKMANAGERS=$NCE_FLINK_TASKMANAGERS
EOF
      ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
