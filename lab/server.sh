#!/usr/bin/env bash
# Start, stop or show the config of one of the other dnstap sources: BIND 9.18, NSD 4.6,
# Unbound 1.17 or dnsdist 1.7 (Debian bookworm's packages), on loopback, authoritative for
# example.test. from lab/zone/, with recursion and DNSSEC validation off.
#
#   server.sh start|stop|conf bind      named on BIND_PORT; dnstap { auth; client response; }
#   server.sh start|stop|conf nsd       nsd on NSD_PORT; AUTH_QUERY and AUTH_RESPONSE
#   server.sh start|stop|conf unbound   unbound on UNBOUND_PORT (and UNBOUND_PROXY_PORT, which
#                                       takes PROXY v2 only), auth-zone for-downstream;
#                                       CLIENT_QUERY and CLIENT_RESPONSE
#   server.sh start|stop|conf dnsdist   dnsdist on DNSDIST_PORT in front of DNSDIST_BACKEND;
#                                       CLIENT_QUERY and CLIENT_RESPONSE
#
# dnstap goes to DNSTAP_SINK: unix (DNSTAP_SOCK), tcp (DNSTAP_TCP, Unbound only) or none.
# `start` returns once the server answers from 127.0.0.2 and, unless DNSTAP_SINK is none, once
# its dnstap writer is connected: a listener (the program under test, capture.sh) must be there
# first. The readiness query goes over TCP when the server logs dnstap, so it never counts
# among the replayed UDP queries. Knobs: see lib.sh; runtime files under $LAB_RUN/NAME/.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
    echo "usage: $0 start|stop|conf bind|nsd|unbound|dnsdist" >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1 name=$2
case "$name" in
    bind) port=$BIND_PORT daemon=named ;;
    nsd) port=$NSD_PORT daemon=nsd ;;
    unbound) port=$UNBOUND_PORT daemon=unbound ;;
    dnsdist) port=$DNSDIST_PORT daemon=dnsdist ;;
    *) usage ;;
esac
dir=$LAB_RUN/$name
case "$DNSTAP_SINK" in
    unix | none) ;;
    tcp) [ "$name" = unbound ] || die "DNSTAP_SINK=tcp: only for unbound (BIND and NSD 4.6 have no TCP writer)" ;;
    *) die "DNSTAP_SINK must be unix, tcp or none" ;;
esac

conf_bind() {
    local v6=none
    has_ipv6_loopback && v6=::1
    cat <<CONF
// recursion and validation off: nothing may leave the machine (without
// dnssec-validation no, named refreshes the root trust anchor, RFC 5011)
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 port $port { $v6; };
    recursion no;
    dnssec-validation no;
    notify no;
    server-id "bind-lab";
CONF
    if [ "$DNSTAP_SINK" = unix ]; then
        cat <<CONF
    // the query is AUTH_QUERY; the response AUTH_RESPONSE if RD=0, CLIENT_RESPONSE if RD=1
    dnstap { auth; client response; };
    dnstap-output unix "$DNSTAP_SOCK";
    dnstap-identity "bind-lab";
    dnstap-version "bind-9.18-lab";
CONF
    fi
    cat <<CONF
};
controls { };
zone "example.test" {
    type primary;
    file "$dir/example.test.zone";
};
CONF
}

conf_nsd() {
    echo "server:"
    echo "    ip-address: 127.0.0.1@$port"
    has_ipv6_loopback && echo "    ip-address: ::1@$port"
    cat <<CONF
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    identity: "nsd-lab"
    verbosity: 1
remote-control:
    control-enable: no
CONF
    if [ "$DNSTAP_SINK" = unix ]; then
        cat <<CONF
dnstap:
    dnstap-enable: yes
    dnstap-socket-path: "$DNSTAP_SOCK"
    dnstap-send-identity: yes
    dnstap-send-version: yes
    dnstap-identity: "nsd-lab"
    dnstap-version: "nsd-4.6-lab"
    dnstap-log-auth-query-messages: yes
    dnstap-log-auth-response-messages: yes
CONF
    fi
    cat <<CONF
zone:
    name: "example.test"
    zonefile: "example.test.zone"
CONF
}

conf_unbound() {
    local p
    echo "server:"
    for p in $port $UNBOUND_PROXY_PORT; do
        echo "    interface: 127.0.0.1@$p"
        has_ipv6_loopback && echo "    interface: ::1@$p"
    done
    [ -z "$UNBOUND_PROXY_PORT" ] || echo "    proxy-protocol-port: $UNBOUND_PROXY_PORT"
    cat <<CONF
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$dir"
    pidfile: "$dir/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    access-control: ::1/128 allow
    # no recursion, no validator: anything but example.test. is refused locally
    module-config: "iterator"
    identity: "unbound-lab"
    local-zone: "." refuse
    local-zone: "example.test." transparent
    # record sets in zone order, as the other servers but BIND give them, so a replay to a
    # second Unbound gets the same bytes
    rrset-roundrobin: no
auth-zone:
    name: "example.test."
    zonefile: "$dir/example.test.zone"
    for-downstream: yes
    for-upstream: no
    fallback-enabled: no
CONF
    [ "$DNSTAP_SINK" = none ] && return 0
    cat <<CONF
dnstap:
    dnstap-enable: yes
    dnstap-bidirectional: yes
    dnstap-send-identity: yes
    dnstap-send-version: yes
    dnstap-identity: "unbound-lab"
    dnstap-version: "unbound-1.17-lab"
    dnstap-log-client-query-messages: yes
    dnstap-log-client-response-messages: yes
CONF
    if [ "$DNSTAP_SINK" = tcp ]; then
        echo "    dnstap-ip: \"${DNSTAP_TCP%:*}@${DNSTAP_TCP##*:}\""
        echo "    dnstap-tls: no"
    else
        echo "    dnstap-socket-path: \"$DNSTAP_SOCK\""
    fi
}

conf_dnsdist() {
    local proxy=false
    [ "$DNSDIST_BACKEND_PROXY" = 1 ] && proxy=true
    echo "setLocal('127.0.0.1:$port')"
    has_ipv6_loopback && echo "addLocal('[::1]:$port')"
    cat <<CONF
setACL({'127.0.0.0/8', '::1/128'})
setSecurityPollSuffix('')           -- no security poll: it is a DNS query to the internet
-- always up: no health-check queries (they would be answered REFUSED by a Knot backend)
newServer({address='$DNSDIST_BACKEND', name='backend', useProxyProtocol=$proxy}):setUp()
CONF
    if [ -n "$DNSDIST_PROXY_ACL" ]; then
        echo "-- senders in these networks must put a PROXY v2 header before each query"
        echo "setProxyProtocolACL({'${DNSDIST_PROXY_ACL//,/\', \'}'})"
    fi
    if [ "$DNSTAP_SINK" = unix ]; then
        cat <<CONF
tap = newFrameStreamUnixLogger('$DNSTAP_SOCK')
addAction(AllRule(), DnstapLogAction('dnsdist-lab', tap))
addResponseAction(AllRule(), DnstapLogResponseAction('dnsdist-lab', tap))
CONF
    fi
}

conf_file() {
    case "$name" in
        bind) echo "$dir/named.conf" ;;
        nsd) echo "$dir/nsd.conf" ;;
        unbound) echo "$dir/unbound.conf" ;;
        dnsdist) echo "$dir/dnsdist.conf" ;;
    esac
}

write_conf() {
    local conf
    conf=$(conf_file)
    mkdir -p "$dir"
    rm -f "$dir/zone.list" "$dir/xfrd.state"
    cp "$LAB_DIR/zone/example.test.zone" "$dir/example.test.zone"
    "conf_$name" >"$conf"
    case "$name" in
        bind) named-checkconf "$conf" ;;
        nsd) nsd-checkconf "$conf" ;;
        unbound) unbound-checkconf "$conf" >/dev/null ;;
        dnsdist) dnsdist --check-config -C "$conf" >/dev/null ;;
    esac
}

# in the foreground, logging to stderr
command_line() {
    local conf
    conf=$(conf_file)
    case "$name" in
        bind) cmd=(named -g -c "$conf") ;;
        nsd) cmd=(nsd -d -c "$conf") ;;
        unbound) cmd=(unbound -d -c "$conf") ;;
        dnsdist) cmd=(dnsdist --supervised --disable-syslog -C "$conf") ;;
    esac
}

# answers -> 0 once the server answers SOA example.test. from 127.0.0.2: over TCP when it logs
# dnstap, so the query never counts among the UDP queries a replay sees; over UDP when not,
# since Knot, a backend dnsdist may send PROXY v2 to, takes PROXY v2 over UDP only
answers() {
    local tcp=+tcp
    [ "$DNSTAP_SINK" = none ] && tcp=+notcp
    [ -n "$(kdig @127.0.0.1 -p "$port" -b 127.0.0.2 $tcp +time=1 +retry=0 +short +norec \
        SOA example.test. 2>/dev/null)" ]
}

# owns_port -> 0 if the server we started holds the UDP and TCP sockets on 127.0.0.1#port, so
# an answer cannot come from another lab's server that got the port first
owns_port() {
    local pid
    pid=$(pid_of "$name") || return 1
    ss -H -lnup "( sport = :$port )" 2>/dev/null | grep -qF "pid=$pid," &&
        ss -H -lntp "( sport = :$port )" 2>/dev/null | grep -qF "pid=$pid,"
}

# tap_connected -> 0 once the server's dnstap writer holds a connection to the listener
tap_connected() {
    case "$DNSTAP_SINK" in
        none) return 0 ;;
        unix) dnstap_connected ;;
        tcp) ss -t -H state established "( dport = :${DNSTAP_TCP##*:} )" 2>/dev/null | grep -q . ;;
    esac
}

# wait_ready : the server exits when it cannot bind, so it must still run when it answers
wait_ready() {
    local end=$((SECONDS + DNSTAP_CONNECT_SECONDS))
    while [ "$SECONDS" -lt "$end" ]; do
        is_running "$name" || fail_start "$name" "$daemon exited"
        if owns_port && tap_connected && answers; then
            is_running "$name" || fail_start "$name" "$daemon exited"
            return 0
        fi
        sleep 0.1
    done
    tap_connected || fail_start "$name" "no dnstap listener connected ($DNSTAP_SINK) after ${DNSTAP_CONNECT_SECONDS}s"
    fail_start "$name" "no answer on 127.0.0.1#$port after ${DNSTAP_CONNECT_SECONDS}s"
}

case "$action" in
    conf)
        write_conf
        cat "$(conf_file)"
        ;;
    start)
        require_isolated "$daemon"
        is_running "$name" && die "$name already running (pid $(pid_of "$name")) in $LAB_RUN"
        write_conf
        command_line
        start_bg "$name" "${cmd[@]}"
        wait_ready
        echo "$name answers on 127.0.0.1#$port"
        ;;
    stop)
        # Unbound and dnsdist drop what their dnstap writer has not sent yet when they exit
        # (a run's last 10-30 messages); their writers send at least every second
        if is_running "$name"; then
            sleep "$FLUSH_SECONDS"
        fi
        stop_bg "$name"
        ;;
    *) usage ;;
esac
