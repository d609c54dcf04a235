#!/usr/bin/env bash
# Start, stop or show the config of one of the lab's two Knot servers.
#
#   knot.sh start|stop|conf source   example.test. + whoami.test. on SOURCE_PORT; mod-dnstap
#                                    logs every response with its query to unix:DNSTAP_SOCK
#   knot.sh start|stop|conf target   TARGET_ZONE as example.test. + whoami.test. on TARGET_PORT;
#                                    PROXY v2 UDP queries accepted from PROXY_ALLOW (unless empty)
#
# whoami.test. answers A/AAAA with the client address Knot sees, so a test can tell whether a
# PROXY v2 header took effect. Knobs: see lib.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
    echo "usage: $0 start|stop|conf source|target" >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1 role=$2
case "$role" in
    source) port=$SOURCE_PORT zone=example.test.zone ;;
    target) port=$TARGET_PORT zone=$TARGET_ZONE ;;
    *) usage ;;
esac
name=$role-knot
dir=$LAB_RUN/$role

write_conf() {
    [ -f "$LAB_DIR/zone/$zone" ] || die "no zone file $LAB_DIR/zone/$zone"
    mkdir -p "$dir/db"
    cp "$LAB_DIR/zone/$zone" "$dir/example.test.zone"
    cp "$LAB_DIR/zone/whoami.test.zone" "$dir/whoami.test.zone"
    {
        echo "server:"
        echo "    rundir: \"$dir\""
        echo "    listen: $(listen_addrs "$port")"
        echo "    identity: $name"
        if [ "$role" = target ] && [ -n "$PROXY_ALLOW" ]; then
            echo "    proxy-allowlist: [ $PROXY_ALLOW ]"
        fi
        cat <<CONF
log:
  - target: stderr
    any: info
database:
    storage: "$dir/db"
CONF
        if [ "$role" = source ]; then
            cat <<CONF
mod-dnstap:
  - id: tap
    sink: "unix:$DNSTAP_SOCK"
    identity: source-knot
    version: knot-lab
    log-queries: off
    log-responses: on
    responses-with-queries: on
CONF
        fi
        cat <<CONF
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
CONF
        if [ "$role" = source ]; then echo "    global-module: mod-dnstap/tap"; fi
        cat <<CONF
zone:
  - domain: example.test.
    file: example.test.zone
  - domain: whoami.test.
    file: whoami.test.zone
    module: mod-whoami
CONF
    } >"$dir/knot.conf"
}

case "$action" in
    conf)
        write_conf
        cat "$dir/knot.conf"
        ;;
    start)
        require_isolated "knotd"
        is_running "$name" && die "$name already running (pid $(pid_of "$name")) in $LAB_RUN"
        write_conf
        start_bg "$name" knotd -c "$dir/knot.conf"
        wait_knot "$name" "$port"
        echo "$name answers on 127.0.0.1#$port"
        ;;
    stop) stop_bg "$name" ;;
    *) usage ;;
esac
