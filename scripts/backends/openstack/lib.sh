# shellcheck shell=bash
# Sourced by scripts/backends/openstack.sh: logging, timing and process control.
# No systemd here (nor in CI): every daemon runs in the background with a pid file under $RUN_DIR.

T0=$EPOCHREALTIME
log() { printf '[openstack %(%H:%M:%S)T +%5.1fs] %s\n' -1 "$(elapsed_since "$T0")" "$*"; }
die() { log "FAILED: $*"; exit 1; }
elapsed_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME FUNCTION...: run a phase and log how long it took, so a slow run shows where it went.
step() {
  local name=$1 start=$EPOCHREALTIME; shift
  "$@"
  log "$name: $(elapsed_since "$start")s"
}

# quiet CMD...: the OpenStack tools are chatty; show their output only when they fail.
quiet() {
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if ((rc)); then printf '%s\n' "$out" | tail -n 40 >&2; log "command failed (exit $rc): $*"; return "$rc"; fi
}

# A pid file alone is not proof: after a reboot the number may belong to another process.
# The process must still be alive and its command line must mention the service.
is_running() {
  local name=$1 pid_file=$RUN_DIR/$1.pid pid cmd
  [[ -f $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"${RUN_MATCH[$name]:-$name}"* ]]
}

# What is_running looks for in the command line, when it is not the service's own name.
declare -gA RUN_MATCH=(
  [keystone]=keystone-wsgi-public [placement]=placement-api [cinder-api]=cinder-wsgi
  [nova-compute]=nova.cmd.compute [ceph-mon]='ceph-mon' [ceph-mgr]='ceph-mgr' [ceph-osd]='ceph-osd'
)

# daemon NAME USER LOG COMMAND...: a service that stays in the foreground (eventlet services, ceph -f).
daemon() {
  local name=$1 user=$2 out=$3; shift 3
  is_running "$name" && return 0
  log "starting $name"
  rm -f "$RUN_DIR/$name.pid"
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN_DIR/$name.pid" \
    --chuid "$user:$user" --output "$out" --exec "$1" -- "${@:2}"
  STARTED+=("$name")
}

# wsgi NAME USER PORT SCRIPT: a WSGI-only API (keystone, placement, cinder) under uwsgi.
# Plain --http-socket with "Connection: close" on every answer. Not --http11-socket: there a
# thread stays bound to a kept-alive connection until uwsgi's socket timeout (4 s), and with
# more kept-alive clients (every service and test keeps one to keystone) than threads, each new
# request waited in 4-second steps. Nor plain --http-socket alone: it closes the connection
# without saying so, and clients that reuse it see the next request reset.
wsgi() {
  local name=$1 user=$2 port=$3 script=$4
  is_running "$name" && return 0
  log "starting $name (uwsgi on $HOST:$port)"
  rm -f "$RUN_DIR/$name.pid"
  uwsgi --plugin python3 --http-socket "$HOST:$port" --add-header 'Connection: close' --wsgi-file "$script" \
    --master --processes 1 --threads 4 --enable-threads --lazy-apps --die-on-term --no-orphans \
    --buffer-size 65535 --uid "$user" --gid "$user" --chdir "/var/lib/$user" \
    --pidfile "$RUN_DIR/$name.pid" --daemonize "/var/log/$user/$name-uwsgi.log"
  STARTED+=("$name")
}

# stop_services NAME...: TERM to all at once, then wait for each (nova's services take seconds to
# exit cleanly); KILL whatever still runs after 30 s.
stop_services() {
  local name pid pids=()
  for name; do
    if is_running "$name"; then
      pid=$(<"$RUN_DIR/$name.pid")
      log "stopping $name (pid $pid)"
      kill -TERM "$pid"; pids+=("$pid")
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  done
}

# wait_http URL SECONDS [LOG]: any HTTP answer will do (401 and 300 included); name the log to read on timeout.
wait_http() {
  local url=$1 seconds=$2 log_file=${3:-} deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -s -o /dev/null --max-time 5 "$url" && return 0
    sleep 0.3
  done
  [[ -n $log_file && -f $log_file ]] && tail -n 30 "$log_file" >&2
  die "$url did not answer within ${seconds}s${log_file:+ (log: $log_file)}"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# write_file PATH [MODE [OWNER]] < content: replace the file only when its content changes, and
# remember that it did, so that only the services whose configuration changed are restarted.
write_file() {
  local path=$1 mode=${2:-0640} owner=${3:-root:root} tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $path ]] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; return 0; fi
  install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$tmp" "$path"
  rm -f "$tmp"
  CHANGED+=("$path")
}
changed() { local f p; for p; do for f in "${CHANGED[@]}"; do [[ $f == "$p" ]] && return 0; done; done; return 1; }
