# shellcheck shell=bash disable=SC2034  # the settings are used by the scripts that source this
# Settings and helpers shared by the lab scripts. Source it, don't run it.
#
# Every knob comes from the environment, so several labs can run side by side when each gets
# its own LAB_RUN and ports. Everything a lab creates (configs, zone copies, logs, PID files,
# the dnstap socket) lives under LAB_RUN. Servers listen on loopback only.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_RUN=${LAB_RUN:-/tmp/dnstap-replay-lab}
SOURCE_PORT=${SOURCE_PORT:-5301}                  # source knot: logs dnstap
TARGET_PORT=${TARGET_PORT:-5302}                  # target knot: the replay target
TARGET_ZONE=${TARGET_ZONE:-example.test.zone}     # or example.test.variant.zone, example.test.ttl.zone
PROXY_ALLOW=${PROXY_ALLOW-127.0.0.0/8}            # set but empty: target drops PROXY v2 queries
DNSTAP_SOCK=${DNSTAP_SOCK:-$LAB_RUN/dnstap.sock}  # where the source knot sends dnstap
DNSTAP_CONTENT_TYPE=protobuf:dnstap.Dnstap
# the other dnstap sources (server.sh)
BIND_PORT=${BIND_PORT:-5310}
NSD_PORT=${NSD_PORT:-5320}
UNBOUND_PORT=${UNBOUND_PORT:-5330}
UNBOUND_PROXY_PORT=${UNBOUND_PROXY_PORT:-}        # empty: no port that takes PROXY v2
DNSDIST_PORT=${DNSDIST_PORT:-5350}
DNSDIST_BACKEND=${DNSDIST_BACKEND:-127.0.0.1:$NSD_PORT}
DNSDIST_BACKEND_PROXY=${DNSDIST_BACKEND_PROXY:-0} # 1: pass the client on to the backend in PROXY v2
DNSDIST_PROXY_ACL=${DNSDIST_PROXY_ACL:-}          # e.g. 127.0.0.1/32: those senders must send PROXY v2
DNSTAP_SINK=${DNSTAP_SINK:-unix}                  # server.sh: unix (DNSTAP_SOCK), tcp (DNSTAP_TCP), none
DNSTAP_TCP=${DNSTAP_TCP:-127.0.0.1:5331}          # DNSTAP_SINK=tcp: the listener's address
# Knot retries a missing dnstap listener only about every 5 s.
DNSTAP_CONNECT_SECONDS=${DNSTAP_CONNECT_SECONDS:-12}
READY_SECONDS=10
FLUSH_SECONDS=${FLUSH_SECONDS:-2}                 # server.sh stop: time for the dnstap writer
STOP_SECONDS=10

# knotd lives in /usr/sbin, which is not on a normal user's PATH.
PATH=$PATH:/usr/sbin:/sbin

mkdir -p "$LAB_RUN"

# die, shared with the launchers and scripts/
# shellcheck source=SCRIPTDIR/../scripts/lib.sh
. "$LAB_DIR/../scripts/lib.sh"

# has_ipv6_loopback -> 0 if ::1 is configured (Knot refuses to start on a missing address)
has_ipv6_loopback() {
    [ -r /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6
}

# listen_addrs PORT -> Knot "listen:" list on loopback
listen_addrs() {
    if has_ipv6_loopback; then echo "[ 127.0.0.1@$1, ::1@$1 ]"; else echo "[ 127.0.0.1@$1 ]"; fi
}

# pid_of NAME -> the recorded PID, if the process still runs the command recorded with it.
# The command check keeps a recycled PID from ever being signalled.
pid_of() {
    local name=$1 pid
    [ -s "$LAB_RUN/$name.pid" ] || return 1
    pid=$(cat "$LAB_RUN/$name.pid")
    [ "$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline")" = "$(cat "$LAB_RUN/$name.cmd")" ] || return 1
    echo "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

# start_bg NAME CMD... : run CMD detached from our stdio, log to NAME.log, record PID and
# command line; NAME is appended to $LAB_RUN/started so down.sh can stop it.
start_bg() {
    local name=$1 i
    shift
    is_running "$name" && die "$name already running (pid $(pid_of "$name")) in $LAB_RUN"
    printf '%s\n' "$@" >"$LAB_RUN/$name.cmd"
    "$@" </dev/null >"$LAB_RUN/$name.log" 2>&1 &
    echo "$!" >"$LAB_RUN/$name.pid"
    grep -qx "$name" "$LAB_RUN/started" 2>/dev/null || echo "$name" >>"$LAB_RUN/started"
    # until the child has exec'd, its command line is still ours
    for ((i = 0; i < READY_SECONDS * 10; i++)); do
        if is_running "$name"; then
            echo "started $name pid $!"
            return 0
        fi
        kill -0 "$!" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$!" 2>/dev/null && kill -KILL "$!"
    echo "${0##*/}: $name did not start: $*" >&2
    tail -n 15 "$LAB_RUN/$name.log" >&2 || true
    rm -f "$LAB_RUN/$name.pid" "$LAB_RUN/$name.cmd"
    exit 1
}

# stop_pid PID NAME : SIGTERM PID, SIGKILL after STOP_SECONDS. The caller has checked that
# PID is the process it means.
stop_pid() {
    local pid=$1 name=$2 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < STOP_SECONDS * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "$name: SIGKILL $pid" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

# stop_bg NAME : stop_pid the recorded process; forget it
stop_bg() {
    local name=$1 pid
    if pid=$(pid_of "$name"); then
        stop_pid "$pid" "$name"
        echo "stopped $name pid $pid"
    fi
    rm -f "$LAB_RUN/$name.pid" "$LAB_RUN/$name.cmd"
}

# fail_start NAME MESSAGE : show the end of NAME's log, stop it, exit non-zero
fail_start() {
    echo "${0##*/}: $1: $2; last lines of $LAB_RUN/$1.log:" >&2
    tail -n 15 "$LAB_RUN/$1.log" >&2 || true
    stop_bg "$1" >/dev/null
    exit 1
}

# knot_ready NAME PORT -> 0 once knotd NAME has bound its sockets, loaded both zones and
# answers SOA example.test. (the source logs this one query too)
knot_ready() {
    local log=$LAB_RUN/$1.log
    grep -q 'server started' "$log" &&
        grep -qF '[example.test.] loaded' "$log" &&
        grep -qF '[whoami.test.] loaded' "$log" &&
        [ -n "$(kdig @127.0.0.1 -p "$2" +time=1 +retry=0 +short SOA example.test. 2>/dev/null)" ]
}

# wait_knot NAME PORT : wait until knot_ready. A knotd that cannot bind exits, so it must
# still be alive when the answer comes (it could come from another lab's server).
wait_knot() {
    local name=$1 port=$2 i
    for ((i = 0; i < READY_SECONDS * 10; i++)); do
        is_running "$name" || fail_start "$name" "knotd exited"
        if knot_ready "$name" "$port"; then
            is_running "$name" || fail_start "$name" "knotd exited"
            return 0
        fi
        sleep 0.1
    done
    fail_start "$name" "no answer on 127.0.0.1#$port after ${READY_SECONDS}s"
}

# wait_file PATH NAME : wait until PATH exists while NAME keeps running
wait_file() {
    local i
    for ((i = 0; i < READY_SECONDS * 10; i++)); do
        [ -e "$1" ] && return 0
        is_running "$2" || fail_start "$2" "exited"
        sleep 0.1
    done
    fail_start "$2" "$1 not created after ${READY_SECONDS}s"
}

# dnstap_connected -> 0 if some process holds an established connection on DNSTAP_SOCK
dnstap_connected() {
    ss -x -H state established 2>/dev/null | grep -qF " $DNSTAP_SOCK "
}

# wait_dnstap_connected : Knot drops what it logs while no listener is connected, so drive
# queries only once this returns 0.
wait_dnstap_connected() {
    local i
    for ((i = 0; i < DNSTAP_CONNECT_SECONDS * 10; i++)); do
        dnstap_connected && return 0
        sleep 0.1
    done
    die "no dnstap listener connected on $DNSTAP_SOCK after ${DNSTAP_CONNECT_SECONDS}s"
}
