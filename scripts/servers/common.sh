# Sourced by scripts/servers.sh: paths, programs, processes (pid files, launch, health-check waits, stop) and
# the .servers.env file. The servers themselves are in the other files of this folder.

cache="${PLATFORM_CACHE_DIR:-$root/.cache}"
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
bin="$cache/bin"
run="${PLATFORM_RUN_DIR:-$cache/run}"
mkdir -p "$run" && run=$(cd "$run" && pwd)
logs="$run/logs"
host=127.0.0.1
envfile="${PLATFORM_ENV_FILE:-$root/.servers.env}"

die() { echo "servers: $*" >&2; exit 1; }
line() { printf '%-15s %s\n' "$1" "$2"; }

# ---------------------------------------------------------------------------------------------------------------
# Programs

# Debian puts nats-server in /usr/sbin, which is not on a normal user's PATH.
find_prog() {
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /usr/bin /usr/local/bin /usr/local/sbin; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

ensure_server_packages() {
  local missing=() services=()
  find_prog redis-server >/dev/null || { missing+=(redis-server); services+=(redis-server); }
  find_prog redis-cli >/dev/null || missing+=(redis-tools)
  find_prog nats-server >/dev/null || { missing+=(nats-server); services+=(nats-server); }
  find_prog openssl >/dev/null || missing+=(openssl)
  find_prog curl >/dev/null || missing+=(curl ca-certificates)
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}" || die "cannot install ${missing[*]}"
  # On a systemd machine the packages start their own redis/nats on our ports (nats without JetStream).
  # We installed them only for this script, so turn those services off; ours run from here.
  if [ ${#services[@]} -gt 0 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" systemctl disable --now "${services[@]}" >&2 2>&1 || true
  fi
}

ensure_binaries() {
  # A quick no-op when every binary carries the pinned version stamp; builds (minutes) otherwise.
  PLATFORM_CACHE_DIR="$cache" bash "$root/scripts/build-binaries.sh" all >&2 || die "scripts/build-binaries.sh failed"
  local name
  for name in helm helm4 registry ferretdb etcd kube-apiserver; do
    [ -x "$bin/$name" ] || die "$bin/$name missing after scripts/build-binaries.sh"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Processes: one pid file per server in run/, logs in run/logs/

prog_of() {
  case "$1" in
    redis) echo redis-server ;;
    nats) echo nats-server ;;
    ferretdb) echo "$bin/ferretdb" ;;
    etcd) echo "$bin/etcd" ;;
    kube-apiserver) echo "$bin/kube-apiserver" ;;
    chart-repo) echo http.server ;;
    registry) echo "$bin/registry" ;;
  esac
}

# A process that exited but was not yet reaped (a zombie: some container init processes reap slowly) counts as gone.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" != Z ]
}

# Prints the pid of the server we started, if it is still alive and still that program (pid reuse).
our_pid() {
  local f="$run/$1.pid" pid cmd
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  alive "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    case "$cmd" in *"$(prog_of "$1")"*) ;; *) return 1 ;; esac
  fi
  echo "$pid"
}

# launch NAME PROGRAM ARGS...: detached from this shell (own session, stdin closed), so it outlives the script.
launch() {
  local name=$1; shift
  mkdir -p "$logs"
  printf '=== %s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logs/$name.log"
  # 8>&-: the server must not inherit the lock on run/servers.lock
  ( exec setsid nohup "$@" >>"$logs/$name.log" 2>&1 </dev/null 8>&- ) &
  local pid=$! i
  echo "$pid" >"$run/$name.pid"
  # Until the subshell has exec'd the program, its command line is still this script's: wait for that,
  # so the pid-reuse guard in our_pid does not mistake a starting server for a dead one.
  for i in $(seq 1 100); do
    our_pid "$name" >/dev/null && break
    alive "$pid" || break
    sleep 0.02
  done
}

log_tail() {
  echo "--- last lines of $logs/$1.log:" >&2
  tail -n "${2:-25}" "$logs/$1.log" >&2 2>/dev/null || true
}

# await NAME TIMEOUT CHECK...: polls CHECK until it succeeds; fails early when our process died.
await() {
  local name=$1 timeout=$2 deadline pid
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! pid=$(our_pid "$name"); then
      log_tail "$name"
      die "$name exited during start-up (log: $logs/$name.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      log_tail "$name"
      die "$name (pid $pid) did not answer within ${timeout}s (log: $logs/$name.log)"
    fi
    sleep 0.25
  done
}

# await_or_exit NAME TIMEOUT CHECK...: our process is alive but not answering, so it is either still starting or
# still shutting down (stopped a moment ago). Succeeds once it answers; fails once it has exited.
await_or_exit() {
  local name=$1 timeout=$2 deadline pid
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@"; do
    pid=$(our_pid "$name") || return 1
    if [ $SECONDS -ge $deadline ]; then
      log_tail "$name"
      die "$name (pid $pid) neither answered nor exited within ${timeout}s (log: $logs/$name.log)"
    fi
    sleep 0.25
  done
}

stop_one() {
  local name=$1 pid i
  if ! pid=$(our_pid "$name"); then
    rm -f "$run/$name.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$run/$name.pid"
  line "$name" "stopped (pid $pid)"
}

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# Before launching: a server that has just exited may hold its port a moment longer, so wait up to 10 s; a port
# held after that by something that is not a healthy server of ours would only give a confusing start-up
# failure, so say which port and how to move.
require_free_port() {
  local name=$1 port=$2 var=$3 deadline=$((SECONDS + 10))
  while port_open "$port"; do
    [ $SECONDS -lt $deadline ] || die "$name: $host:$port is in use by a process that does not answer as $name; stop it or set $var"
    sleep 0.25
  done
}

# serve NAME ADDRESS PORT PORTVAR TIMEOUT CHECK -- PROGRAM ARGS...: reuse when answering; wait for our own
# process when it is still starting (or, when it is shutting down, for it to exit); start it otherwise; then
# health-check.
serve() {
  local name=$1 addr=$2 port=$3 var=$4 timeout=$5 check=$6 pid state
  shift 7
  if $check; then
    if pid=$(our_pid "$name"); then state="already running (pid $pid)"; else state="already running (not ours)"; fi
  elif pid=$(our_pid "$name") && await_or_exit "$name" "$timeout" $check; then
    state="already running (pid $pid)"
  else
    require_free_port "$name" "$port" "$var"
    launch "$name" "$@"
    await "$name" "$timeout" $check
    state="started (pid $(cat "$run/$name.pid"))"
  fi
  line "$name" "ok  $addr  $state"
}

write_envfile() {
  local tmp="$envfile.tmp.$$"
  cat >"$tmp" <<ENV
MONGO_URL=mongodb://$host:$mongo_port/platform
REDIS_URL=redis://$host:$redis_port
NATS_URL=nats://$host:$nats_port
KUBECONFIG=$kubeconfig
HELM_BIN=$bin/helm
HELM4_BIN=$bin/helm4
CHART_REPO_URL=http://$host:$chart_repo_port
OCI_REGISTRY=$host:$registry_port
ENV
  mv -f "$tmp" "$envfile"
}
