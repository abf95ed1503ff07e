#!/usr/bin/env bash
# Installs, starts, checks and stops the real servers that NCE's integration tests and
# demo talk to on loopback: Mosquitto (MQTT), Elasticsearch and S3Proxy (S3 API).
#
#   scripts/services.sh install|start|stop|restart|status|check|env [mqtt|es|s3|all]...
#
# Needs only JDK 17, Maven and apt (Debian 12). No Docker. See docs/services.md.
# Idempotent: install skips what is cached, start leaves running services alone,
# stop is a no-op for services that are not running.
set -Eeuo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEMPLATES=$REPO/deploy/local

ES_VERSION=8.19.21
ES_ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip
S3PROXY_VERSION=4.1.0
S3PROXY_ARTIFACT=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies
# Pinned so that a warm ~/.m2 needs no plugin resolution (same version as the project pom).
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# ---------------------------------------------------------------- configuration
NCE_HOME=$(realpath -m "${NCE_HOME:-$REPO/.nce}")
if [[ -z ${NCE_CACHE:-} ]]; then
  # Shared by every clone on the machine; must be readable by the unprivileged ES user.
  if [[ -w /var/cache || -w /var/cache/nce ]]; then NCE_CACHE=/var/cache/nce
  else NCE_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/nce; fi
fi
NCE_CACHE=$(realpath -m "$NCE_CACHE")
NCE_MQTT_PORT=${NCE_MQTT_PORT:-1883}
NCE_ES_PORT=${NCE_ES_PORT:-9200}
NCE_S3_PORT=${NCE_S3_PORT:-9000}
NCE_ES_HEAP=${NCE_ES_HEAP:-512m}
# C1-only JIT and no heap pre-touch: start-up on a loaded 2-core CI agent drops from
# 60-85 s to ~28 s (measured); a test node does not need C2's peak throughput.
# Set NCE_ES_JAVA_OPTS= (empty) for a full-speed node, e.g. for benchmarks.
NCE_ES_JAVA_OPTS=${NCE_ES_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:-AlwaysPreTouch}
NCE_S3_HEAP=${NCE_S3_HEAP:-256m}
# Site gateway users (username = site id); each may publish only under nce/<site>/#.
NCE_MQTT_SITES=${NCE_MQTT_SITES:-site-demo site-test}
# Development-only credentials. Override them for anything reachable by others.
# One password per kind of user, so that a gateway's cannot act as the pipeline or the admin:
# the pipeline (nce-pipeline), the admin (nce-admin: tests and tools) and the site gateways.
NCE_MQTT_PASSWORD=${NCE_MQTT_PASSWORD:-nce-dev-mqtt}
NCE_MQTT_ADMIN_PASSWORD=${NCE_MQTT_ADMIN_PASSWORD:-nce-dev-admin}
NCE_MQTT_GATEWAY_PASSWORD=${NCE_MQTT_GATEWAY_PASSWORD:-nce-dev-gateway}
NCE_S3_ACCESS_KEY=${NCE_S3_ACCESS_KEY:-nce-dev-access}
NCE_S3_SECRET_KEY=${NCE_S3_SECRET_KEY:-nce-dev-secret}
NCE_START_TIMEOUT=${NCE_START_TIMEOUT:-180}
NCE_MVN_ARGS=${NCE_MVN_ARGS:-}
# Unprivileged account for Elasticsearch when we are root (ES refuses to run as root).
NCE_ES_USER=${NCE_ES_USER:-nobody}

RUN_DIR=$NCE_HOME/run
LOG_DIR=$NCE_HOME/logs
ALL_SERVICES=(mqtt es s3)

# ---------------------------------------------------------------- output helpers
T0=${EPOCHREALTIME/[.,]/}
elapsed() { local t=$(( (${EPOCHREALTIME/[.,]/} - T0) / 100000 )); printf '%3d.%ds' $((t / 10)) $((t % 10)); }
say()  { printf '[services %s] %s\n' "$(elapsed)" "$*"; }
warn() { printf '[services %s] WARNING: %s\n' "$(elapsed)" "$*" >&2; }
die()  { printf '[services %s] ERROR: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

# Prints the tail of a log so a failed start explains itself without a second command;
# only lines of the latest start attempt (after our "===== ... starting" marker).
show_log() {
  local f=$1 n=${2:-40}
  if [[ -s $f ]]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    local from; from=$(grep -n '^===== .* starting [a-z0-9]* =====$' "$f" | tail -n 1 | cut -d: -f1)
    tail -n "+$(( ${from:-0} + 1 ))" "$f" | tail -n "$n" >&2
    printf -- '----- end of %s -----\n' "$f" >&2
  else
    printf '(log %s is empty or missing)\n' "$f" >&2
  fi
}

# ---------------------------------------------------------------- small utilities
as_root() {
  if (( EUID == 0 )); then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for: $* (run as root or install sudo)"; fi
}

# shellcheck disable=SC2016 # $0 expands in the child shell, on purpose
port_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

# Minimal HTTP GET over bash's /dev/tcp (curl is not guaranteed on a fresh machine);
# prints status line, headers and body.
# shellcheck disable=SC2016
http_get() {
  timeout "${3:-5}" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
    cat <&3' "$1" "$2" 2>/dev/null
}

# Alive and not a zombie (a child that died during start-up stays a zombie until reaped).
proc_alive() {
  local rest st
  read -r rest 2>/dev/null < "/proc/$1/stat" || return 1
  rest=${rest##*) }
  st=${rest%% *}
  [[ -n $st && $st != Z ]]
}

# True while any process still belongs to process group $1 (no pgrep: procps may be absent).
group_alive() {
  local f rest st pgid
  for f in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null < "$f" || continue
    rest=${rest##*) }            # fields after "pid (comm) "
    read -r st _ pgid _ <<<"$rest"
    [[ $pgid == "$1" && $st != Z ]] && return 0
  done
  return 1
}

java_home() {
  if [[ -n ${NCE_JAVA_HOME:-} ]]; then echo "$NCE_JAVA_HOME"; return; fi
  if [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME}/bin/java ]]; then echo "$JAVA_HOME"; return; fi
  local j; j=$(command -v java) || die "no java on PATH (need JDK 17+)"
  dirname "$(dirname "$(readlink -f "$j")")"
}

check_java() {
  local jh v; jh=$(java_home)
  [[ -x $jh/bin/java ]] || die "java not found at $jh/bin/java (set NCE_JAVA_HOME)"
  v=$("$jh/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [[ ${v%%.*} -ge 17 ]] 2>/dev/null || die "need Java 17+, $jh has '$v'"
}

# Substitutes @NAME@ tokens of a template; values come as NAME=value arguments.
render() {
  local template=$1 out=$2; shift 2
  local text kv
  text=$(<"$template")
  for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
  [[ $text != *@[A-Z_]*@* ]] || die "unsubstituted token in $template: $(grep -o '@[A-Z_]*@' <<<"$text" | head -1)"
  printf '%s\n' "$text" > "$out.tmp"
  mv -f "$out.tmp" "$out"
}

# Fetches one artifact from Maven Central (through ~/.m2) into $NCE_CACHE/downloads.
mvn_fetch() {
  local artifact=$1 file=$2 dest=$NCE_CACHE/downloads
  [[ -s $dest/$file ]] && return 0
  mkdir -p "$dest"
  # Fast path: already in the local Maven repository (and its checksum matches) -> just copy;
  # saves two Maven JVM start-ups (~10-20 s on a busy machine).
  local m2=${HOME}/.m2/repository
  [[ $NCE_MVN_ARGS =~ -Dmaven\.repo\.local=([^[:space:]]+) ]] && m2=${BASH_REMATCH[1]}
  local g a v rest; IFS=: read -r g a v rest <<<"$artifact"
  local cached=$m2/${g//.//}/$a/$v/$file
  if [[ -s $cached && -s $cached.sha1 ]] \
     && [[ $(sha1sum "$cached" | cut -d' ' -f1) == "$(cut -c1-40 "$cached.sha1")" ]]; then
    say "  copying $file from $m2"
    cp "$cached" "$dest/$file.tmp" && mv -f "$dest/$file.tmp" "$dest/$file"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not on PATH"
  local work; work=$(mktemp -d "$NCE_CACHE/.fetch.XXXXXX")
  say "  fetching $artifact via Maven (~100 MB on a cold ~/.m2) ..."
  # Run outside any project so Maven does not read the repo's pom; -C: fail on bad checksums.
  # shellcheck disable=SC2086
  if ! (cd "$work" && mvn -B -ntp -C $NCE_MVN_ARGS "$DEPENDENCY_PLUGIN:copy" \
          -Dartifact="$artifact" -DoutputDirectory="$work/out" -Dmdep.overWriteReleases=true \
          > "$work/mvn.log" 2>&1); then
    show_log "$work/mvn.log" 40
    rm -rf "$work"
    die "Maven could not fetch $artifact"
  fi
  [[ -s $work/out/$file ]] || { ls -l "$work/out" >&2; rm -rf "$work"; die "Maven did not produce $file"; }
  mv -f "$work/out/$file" "$dest/$file"
  rm -rf "$work"
}

# One installer at a time per cache: CI agents may run several clones concurrently.
with_cache_lock() {
  mkdir -p "$NCE_CACHE"
  chmod 755 "$NCE_CACHE" 2>/dev/null || true
  exec {lock_fd}>"$NCE_CACHE/.lock"
  flock "$lock_fd"
  "$@"
  flock -u "$lock_fd"
  exec {lock_fd}>&-
}

# ---------------------------------------------------------------- process bookkeeping
pid_file() { echo "$RUN_DIR/$1.pid"; }
svc_port() { case $1 in mqtt) echo "$NCE_MQTT_PORT";; es) echo "$NCE_ES_PORT";; s3) echo "$NCE_S3_PORT";; esac; }
svc_log()  { echo "$LOG_DIR/$1.log"; }
# Seconds to wait for readiness: ES needs ~30 s on two idle cores and several times that
# on a loaded CI agent.
svc_timeout() { case $1 in mqtt) echo 20;; es) echo "$NCE_START_TIMEOUT";; s3) echo 90;; esac; }
# A word that must appear in the process command line: guards against pid reuse.
svc_marker() { case $1 in mqtt) echo mosquitto;; es) echo elasticsearch;; s3) echo s3proxy;; esac; }

svc_pid() {
  local f; f=$(pid_file "$1")
  [[ -s $f ]] || return 1
  local pid; pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$(svc_marker "$1")" || return 1
  echo "$pid"
}

# Starts "$@" in its own session (pid == process group id) so stop can take down the
# whole tree (ES runs a launcher plus the server JVM).
launch() {
  local svc=$1; shift
  local log; log=$(svc_log "$svc")
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$svc" >> "$log"
  setsid "$@" >> "$log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "$svc")"
  LAUNCHED+=("$svc")
}

# Launches every requested service first and only then waits, so the JVMs warm up in
# parallel (ES dominates: ~30 s on 2 busy cores).
start_services() {
  LAUNCHED=()
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local s
  for s in "$@"; do "${s}_launch"; done
  for s in "${LAUNCHED[@]}"; do
    wait_ready "$s" "${s}_ready" "$(svc_timeout "$s")"
    "${s}_up"
  done
  say "all requested services are up"
}

# Waits until check_fn succeeds; fails early if the process died.
wait_ready() {
  local svc=$1 check_fn=$2 timeout=${3:-$NCE_START_TIMEOUT}
  local deadline=$(( SECONDS + timeout ))
  while (( SECONDS < deadline )); do
    local pid; pid=$(cat "$(pid_file "$svc")" 2>/dev/null || true)
    if [[ -z $pid ]] || ! proc_alive "$pid"; then
      show_log "$(svc_log "$svc")" 40
      rm -f "$(pid_file "$svc")"
      die "$svc exited during start-up"
    fi
    if "$check_fn"; then return 0; fi
    sleep 0.5
  done
  show_log "$(svc_log "$svc")" 40
  stop_svc "$svc" >/dev/null 2>&1 || true
  die "$svc not ready after ${timeout}s (stopped it again)"
}

# Refuses to start when something else already listens on our port.
ensure_port_free() {
  local svc=$1 port; port=$(svc_port "$1")
  if port_open "$port"; then
    local who=""
    command -v ss >/dev/null && who=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(.*)' | head -1)
    die "port $port ($svc) is already in use by another process ${who:+($who)}; stop it or set NCE_${svc^^}_PORT"
  fi
}

stop_svc() {
  local svc=$1 pid
  if ! pid=$(svc_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    say "$svc: not running"
    return 0
  fi
  say "$svc: stopping (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    # The group is gone when no process has it as pgid any more.
    if ! group_alive "$pid" && ! proc_alive "$pid"; then break; fi
    sleep 0.2
  done
  if group_alive "$pid" || proc_alive "$pid"; then
    warn "$svc did not stop within 30s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$svc")"
  say "$svc: stopped"
}

status_svc() {
  local svc=$1 port pid state; port=$(svc_port "$svc")
  if pid=$(svc_pid "$svc"); then
    if port_open "$port"; then state=up; else state=starting; fi
    printf '%-5s %-9s 127.0.0.1:%-6s pid %s\n' "$svc" "$state" "$port" "$pid"
    [[ $state == up ]]
  else
    if port_open "$port"; then state="foreign"; else state=down; fi
    printf '%-5s %-9s 127.0.0.1:%s%s\n' "$svc" "$state" "$port" \
      "$([[ $state == foreign ]] && echo '  (port taken by a process we did not start)')"
    return 1
  fi
}

# ================================================================ MQTT (Mosquitto)
mqtt_install() {
  if command -v mosquitto >/dev/null && command -v mosquitto_passwd >/dev/null \
     && command -v mosquitto_pub >/dev/null; then
    say "mqtt: mosquitto $(mosquitto_version) already installed"
    return 0
  fi
  say "mqtt: installing mosquitto + mosquitto-clients from Debian apt"
  export DEBIAN_FRONTEND=noninteractive
  # The package would start (and enable) its own broker on 1883; we run our own instance.
  # policy-rc.d exit 101 tells invoke-rc.d / deb-systemd-invoke not to start services.
  local added_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    added_policy=1
  fi
  local rc=0 aptlog; aptlog=$(mktemp)
  {
    if ! apt-cache policy mosquitto 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      say "mqtt: apt lists lack mosquitto; running apt-get update"
      as_root apt-get update -q
    fi
    if ! as_root apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends mosquitto mosquitto-clients; then
      say "mqtt: install failed; refreshing apt lists and retrying once"
      as_root apt-get update -q && as_root apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends mosquitto mosquitto-clients
    fi
  } > "$aptlog" 2>&1 || rc=$?
  (( added_policy )) && as_root rm -f /usr/sbin/policy-rc.d
  if (( rc != 0 )); then show_log "$aptlog" 40; rm -f "$aptlog"; die "apt-get install mosquitto failed"; fi
  rm -f "$aptlog"
  # The unit was enabled for the next boot, where it would grab port 1883 before us.
  # Keep it disabled: we only ever run our own instance.
  if command -v systemctl >/dev/null; then
    as_root systemctl disable mosquitto.service >/dev/null 2>&1 || true
    [[ -d /run/systemd/system ]] && { as_root systemctl stop mosquitto.service >/dev/null 2>&1 || true; }
  fi
  say "mqtt: installed mosquitto $(mosquitto_version)"
}

mosquitto_version() { mosquitto -h 2>/dev/null | awk '/^mosquitto version/ {print $3; exit}'; }

mqtt_configure() {
  local dir=$NCE_HOME/mosquitto site
  mkdir -p "$dir/data" "$LOG_DIR"
  local users=("nce-pipeline:$NCE_MQTT_PASSWORD" "nce-admin:$NCE_MQTT_ADMIN_PASSWORD")
  for site in $NCE_MQTT_SITES; do
    # The site id becomes a topic level (nce/<site>/...), so it must not contain MQTT
    # wildcards, separators or the password file's ':'.
    [[ $site =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "invalid site id '$site' in NCE_MQTT_SITES"
    users+=("$site:$NCE_MQTT_GATEWAY_PASSWORD")
  done
  # Plain-text file hashed in place with -U, so the password never appears in argv (ps).
  ( umask 077
    : > "$dir/passwd.tmp"
    for u in "${users[@]}"; do printf '%s\n' "$u" >> "$dir/passwd.tmp"; done
    mosquitto_passwd -U "$dir/passwd.tmp" )
  mv -f "$dir/passwd.tmp" "$dir/passwd"
  render "$TEMPLATES/mosquitto.acl.in" "$dir/acl"
  render "$TEMPLATES/mosquitto.conf.in" "$dir/mosquitto.conf" \
    "PORT=$NCE_MQTT_PORT" "DIR=$dir" "USER=$(id -un)" "LOG=$(svc_log mqtt)"
}

mqtt_ready() { port_open "$NCE_MQTT_PORT"; }

mqtt_launch() {
  command -v mosquitto >/dev/null || mqtt_install
  local pid
  if pid=$(svc_pid mqtt); then say "mqtt: already running (pid $pid) on 127.0.0.1:$NCE_MQTT_PORT"; return 0; fi
  ensure_port_free mqtt
  mqtt_configure
  say "mqtt: starting mosquitto on 127.0.0.1:$NCE_MQTT_PORT"
  launch mqtt mosquitto -c "$NCE_HOME/mosquitto/mosquitto.conf"
}
mqtt_up() { say "mqtt: up (users: nce-pipeline, nce-admin, $NCE_MQTT_SITES)"; }

# ================================================================ Elasticsearch
es_home() { echo "$NCE_CACHE/elasticsearch-$ES_VERSION"; }

es_install() {
  local home; home=$(es_home)
  if [[ -x $home/bin/elasticsearch && -f $home/.nce-complete ]]; then
    say "es: elasticsearch $ES_VERSION already unpacked in $home"
    return 0
  fi
  check_java
  local zip=elasticsearch-$ES_VERSION.zip
  mvn_fetch "$ES_ARTIFACT" "$zip"
  say "es: unpacking $zip into $NCE_CACHE"
  local tmp; tmp=$(mktemp -d "$NCE_CACHE/.unpack.XXXXXX")
  if command -v unzip >/dev/null; then
    unzip -q "$NCE_CACHE/downloads/$zip" -d "$tmp" || { rm -rf "$tmp"; die "unzip $zip failed"; }
  else
    # No unzip on the machine: the JDK's jar tool extracts too, but drops the exec bits.
    (cd "$tmp" && "$(java_home)/bin/jar" xf "$NCE_CACHE/downloads/$zip") || { rm -rf "$tmp"; die "jar xf $zip failed"; }
    chmod a+x "$tmp/elasticsearch-$ES_VERSION"/bin/*
  fi
  # The server starts read-only from here (per-clone config lives in $NCE_HOME), but it
  # insists that a plugins directory exists.
  mkdir -p "$tmp/elasticsearch-$ES_VERSION/plugins"
  touch "$tmp/elasticsearch-$ES_VERSION/.nce-complete"
  chmod -R a+rX "$tmp"
  rm -rf "$home"
  mv "$tmp/elasticsearch-$ES_VERSION" "$home"
  rm -rf "$tmp"
  # ~/.m2 keeps a copy; no need to hold 100 MB twice more.
  rm -f "$NCE_CACHE/downloads/$zip"
  say "es: unpacked into $home"
}

# Where the node's config/data/logs live. ES runs as an unprivileged user when we are root;
# if that user cannot reach $NCE_HOME (e.g. a clone under /root, mode 700) the state goes
# to /var/tmp and $NCE_HOME/es becomes a symlink to it.
es_state_dir() {
  local want=$NCE_HOME/es
  if (( EUID != 0 )); then echo "$want"; return; fi
  if [[ -L $want ]]; then readlink -f "$want"; return; fi
  mkdir -p "$NCE_HOME"
  if setpriv --reuid="$NCE_ES_USER" --regid="$(es_group)" --clear-groups test -x "$NCE_HOME" 2>/dev/null; then
    echo "$want"
  else
    local alt; alt=/var/tmp/nce-es-$(printf '%s' "$NCE_HOME" | md5sum | cut -c1-12)
    mkdir -p "$alt"
    ln -sfn "$alt" "$want"
    warn "es: $NCE_HOME is not reachable by user $NCE_ES_USER; ES state lives in $alt (symlinked from $want)"
    echo "$alt"
  fi
}

es_group() { id -gn "$NCE_ES_USER"; }

es_configure() {
  local home state; home=$(es_home); state=$(es_state_dir)
  mkdir -p "$state/config" "$state/data" "$state/logs" "$state/tmp" "$LOG_DIR"
  # Start from the distribution's config files (log4j2, jvm.options, security files) and
  # replace elasticsearch.yml with ours; the keystore ES creates in here is kept.
  local f
  for f in "$home"/config/*; do
    [[ $(basename "$f") == elasticsearch.yml ]] && continue
    [[ -e $state/config/$(basename "$f") ]] || cp -r "$f" "$state/config/"
  done
  # jvm.options writes gc.log relative to the working directory; put it with the ES logs.
  sed -i "s#file=gc.log:#file=$state/logs/gc.log:#" "$state/config/jvm.options"
  render "$TEMPLATES/elasticsearch.yml.in" "$state/config/elasticsearch.yml" \
    "PORT=$NCE_ES_PORT" "DATA=$state/data" "LOGS=$state/logs"
  if (( EUID == 0 )); then chown -R "$NCE_ES_USER:$(es_group)" "$state"; fi
  if (( EUID == 0 )) && ! setpriv --reuid="$NCE_ES_USER" --regid="$(es_group)" --clear-groups \
        test -x "$home/bin/elasticsearch"; then
    die "es: $home is not readable by $NCE_ES_USER; set NCE_CACHE to a world-readable directory (e.g. /var/cache/nce)"
  fi
  echo "$state"
}

es_ready() {
  http_get "$NCE_ES_PORT" "/_cluster/health?wait_for_status=yellow&timeout=1s" | grep -qE '"status":"(green|yellow)"'
}

es_launch() {
  local pid
  if pid=$(svc_pid es); then say "es: already running (pid $pid) on 127.0.0.1:$NCE_ES_PORT"; return 0; fi
  [[ -f $(es_home)/.nce-complete ]] || with_cache_lock es_install
  check_java
  ensure_port_free es
  local state home jh; state=$(es_configure); home=$(es_home); jh=$(java_home)
  local -a run_as=()
  if (( EUID == 0 )); then
    run_as=(setpriv --reuid="$NCE_ES_USER" --regid="$(es_group)" --clear-groups)
  fi
  say "es: starting elasticsearch $ES_VERSION on 127.0.0.1:$NCE_ES_PORT (heap $NCE_ES_HEAP, state $state)"
  # A clean environment: root's JAVA_TOOL_OPTIONS etc. must not leak into the node.
  # --chdir: jvm.options writes heap dumps/hs_err/replay files relative to the cwd.
  launch es "${run_as[@]}" env -i --chdir="$state/logs" PATH=/usr/local/bin:/usr/bin:/bin HOME="$state" LANG=C.UTF-8 \
    ES_JAVA_HOME="$jh" ES_PATH_CONF="$state/config" ES_TMPDIR="$state/tmp" \
    ES_JAVA_OPTS="-Xms$NCE_ES_HEAP -Xmx$NCE_ES_HEAP${NCE_ES_JAVA_OPTS:+ $NCE_ES_JAVA_OPTS}" \
    "$home/bin/elasticsearch"
}
es_up() { say "es: up ($(http_get "$NCE_ES_PORT" /_cluster/health | grep -o '"status":"[a-z]*"'))"; }

# ================================================================ S3 (S3Proxy)
s3_jar() { echo "$NCE_CACHE/downloads/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"; }

s3_install() {
  if [[ -s $(s3_jar) ]]; then say "s3: s3proxy $S3PROXY_VERSION already in $NCE_CACHE/downloads"; return 0; fi
  check_java
  mvn_fetch "$S3PROXY_ARTIFACT" "$(basename "$(s3_jar)")"
  chmod a+r "$(s3_jar)"
  say "s3: s3proxy $S3PROXY_VERSION cached"
}

s3_ready() {
  # Any HTTP answer (anonymous requests get 403 AccessDenied XML) means Jetty is serving.
  http_get "$NCE_S3_PORT" / 3 | head -1 | grep -qE '^HTTP/1\.[01] [2-5][0-9][0-9]'
}

s3_launch() {
  local pid
  if pid=$(svc_pid s3); then say "s3: already running (pid $pid) on 127.0.0.1:$NCE_S3_PORT"; return 0; fi
  [[ -s $(s3_jar) ]] || with_cache_lock s3_install
  check_java
  ensure_port_free s3
  local dir=$NCE_HOME/s3
  mkdir -p "$dir/data"
  ( umask 077
    render "$TEMPLATES/s3proxy.properties.in" "$dir/s3proxy.properties" \
      "PORT=$NCE_S3_PORT" "DATA=$dir/data" \
      "ACCESS_KEY=$NCE_S3_ACCESS_KEY" "SECRET_KEY=$NCE_S3_SECRET_KEY" )
  say "s3: starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$NCE_S3_PORT (data $dir/data)"
  # -Ds3proxy marker keeps "s3proxy" in the command line for pid checks even if the jar moves.
  launch s3 "$(java_home)/bin/java" "-Xmx$NCE_S3_HEAP" -Dnce.service=s3proxy \
    -jar "$(s3_jar)" --properties "$dir/s3proxy.properties"
}
s3_up() { say "s3: up (endpoint http://127.0.0.1:$NCE_S3_PORT, access key $NCE_S3_ACCESS_KEY)"; }

# ================================================================ main
usage() {
  cat <<EOF
usage: $(basename "$0") install|start|stop|restart|status|check|env [mqtt|es|s3|all]...

  install  download/install what is missing (cached in \$NCE_CACHE=$NCE_CACHE)
  start    install if needed, then start and wait until each service answers
  stop     stop the services this script started (pid files in \$NCE_HOME/run)
  restart  stop then start
  status   one line per service; exit status 0 only if all requested are up
  env      print connection settings as shell exports (URLs, access key; no secrets)
  check    end-to-end smoke test of running services (ES doc round trip, S3 PUT/GET,
           MQTT users and ACL); exit status 0 only if every check passes

state: \$NCE_HOME=$NCE_HOME   ports: mqtt $NCE_MQTT_PORT, es $NCE_ES_PORT, s3 $NCE_S3_PORT
EOF
}

main() {
  local cmd=${1:-}; shift || true
  [[ -n $cmd ]] || { usage; exit 2; }
  local -a svcs=()
  local s
  for s in "${@:-all}"; do
    case $s in
      all) svcs+=("${ALL_SERVICES[@]}") ;;
      mqtt|es|s3) svcs+=("$s") ;;
      *) usage >&2; die "unknown service '$s'" ;;
    esac
  done
  # Deduplicate, keep order.
  local -A seen=(); local -a uniq=()
  for s in "${svcs[@]}"; do [[ -n ${seen[$s]:-} ]] || { seen[$s]=1; uniq+=("$s"); }; done
  svcs=("${uniq[@]}")

  case $cmd in
    install)
      for s in "${svcs[@]}"; do
        case $s in mqtt) mqtt_install ;; es) with_cache_lock es_install ;; s3) with_cache_lock s3_install ;; esac
      done
      say "install done" ;;
    start)
      start_services "${svcs[@]}" ;;
    stop)
      for s in "${svcs[@]}"; do stop_svc "$s"; done ;;
    restart)
      for s in "${svcs[@]}"; do stop_svc "$s"; done
      start_services "${svcs[@]}" ;;
    status)
      local rc=0
      for s in "${svcs[@]}"; do status_svc "$s" || rc=3; done
      exit $rc ;;
    check)
      # shellcheck source=scripts/lib/services-check.sh
      source "$REPO/scripts/lib/services-check.sh"
      check_services "${svcs[@]}" ;;
    env)
      # Connection settings for code and tests, as shell exports (no secrets: passwords
      # come from the same NCE_* variables, or their documented dev defaults).
      cat <<EOF
export NCE_MQTT_URL=tcp://127.0.0.1:$NCE_MQTT_PORT
export NCE_ES_URL=http://127.0.0.1:$NCE_ES_PORT
export NCE_S3_ENDPOINT=http://127.0.0.1:$NCE_S3_PORT
export NCE_S3_ACCESS_KEY=$NCE_S3_ACCESS_KEY
export NCE_MQTT_SITES="$NCE_MQTT_SITES"
EOF
      ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
