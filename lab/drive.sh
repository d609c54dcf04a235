#!/usr/bin/env bash
# Send a bounded query mix with dnsperf, by default at the source knot.
#
#   drive.sh main [PORT]   queries/main.txt (55 queries) six times: UDPv4 twice, UDPv4 from
#                          127.0.0.5 with DO, UDPv4 with EDNS, TCPv4, UDPv6 (UDPv4 instead
#                          when ::1 is missing): 330 queries
#   drive.sh servers PORT  the mix for server.sh's servers, 230 queries: dnsperf (RD=1) UDPv4,
#                          TCPv4, UDPv6 with EDNS, 55 each; kdig (RD=0) UDPv4 from 127.0.0.5
#                          with DO, 55; kdig (RD=0) TCPv6 with NSID and a cookie, 10
#   drive.sh perf [PORT]   queries/perf.txt for PERF_SECONDS (default 10) with 10 clients
#
# Aimed at the source, it first waits until a dnstap listener is connected (Knot drops what it
# logs while none is), unless DRIVE_WAIT_DNSTAP=0. Prints the queries sent, answered and lost,
# and how many were sent over UDP and TCP, counted from dnsperf's and kdig's output (a test
# compares them with what the replay saw); details in $LAB_RUN/drive.log.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

mix=${1:-main}
port=${2:-$SOURCE_PORT}
queries=$LAB_DIR/queries
log=$LAB_RUN/drive.log
v6=::1
has_ipv6_loopback || v6=127.0.0.1

counts=$LAB_RUN/drive.counts

# perf udp|tcp DNSPERF-ARGS... : one dnsperf run; its counts go to drive.counts
perf() {
    local proto=$1 out=$LAB_RUN/drive.run
    shift
    dnsperf -p "$port" -t 2 "$@" >"$out" 2>&1 || { cat "$out" >>"$log"; die "dnsperf $* failed, see $log"; }
    cat "$out" >>"$log"
    awk -v p="$proto" '/Queries (sent|completed|lost)/ { sub(":", "", $2); print p, $2, $3 }' "$out" >>"$counts"
}

# kdig_each udp|tcp QUERY-FILE KDIG-ARGS... : kdig sends each query of the file once (no retry); an
# answer shows as a header, a query that got none as a warning
kdig_each() {
    local proto=$1 file=$2 out=$LAB_RUN/drive.run answered lost
    shift 2
    # shellcheck disable=SC2046  # one word per label and type
    kdig -p "$port" +time=2 +retry=0 "$@" $(cat "$file") >"$out" 2>&1 || true
    cat "$out" >>"$log"
    answered=$(grep -c '^;; ->>HEADER<<-' "$out" || true)
    lost=$(grep -c '^;; WARNING: failed to query server' "$out" || true)
    printf '%s sent %d\n%s completed %d\n%s lost %d\n' "$proto" $((answered + lost)) \
        "$proto" "$answered" "$proto" "$lost" >>"$counts"
}

if [ "$port" = "$SOURCE_PORT" ] && [ "${DRIVE_WAIT_DNSTAP:-1}" != 0 ]; then
    wait_dnstap_connected
fi
: >"$log"
: >"$counts"
case "$mix" in
    main)
        perf udp -q 20 -s 127.0.0.1 -d "$queries/main.txt" -n 2
        perf udp -q 20 -s 127.0.0.1 -a 127.0.0.5 -D -d "$queries/main.txt" -n 1
        perf udp -q 20 -s 127.0.0.1 -e -d "$queries/main.txt" -n 1
        perf tcp -q 20 -s 127.0.0.1 -m tcp -d "$queries/main.txt" -n 1
        perf udp -q 20 -s "$v6" -d "$queries/main.txt" -n 1
        ;;
    servers)
        [ $# -eq 2 ] || die "drive.sh servers needs the server's PORT"
        perf udp -q 20 -s 127.0.0.1 -d "$queries/main.txt" -n 1
        perf tcp -q 20 -s 127.0.0.1 -m tcp -d "$queries/main.txt" -n 1
        perf udp -q 20 -s "$v6" -e -d "$queries/main.txt" -n 1
        kdig_each udp "$queries/main.txt" @127.0.0.1 -b 127.0.0.5 +norec +dnssec
        head -10 "$queries/main.txt" >"$LAB_RUN/drive.tcp10"
        kdig_each tcp "$LAB_RUN/drive.tcp10" "@$v6" +norec +tcp +nsid +cookie
        ;;
    perf)
        perf udp -s 127.0.0.1 -d "$queries/perf.txt" -l "${PERF_SECONDS:-10}" -c 10 -q 100
        ;;
    *)
        echo "usage: $0 main|perf [PORT] | servers PORT" >&2
        exit 2
        ;;
esac
awk '{ n[$2] += $3; if ($2 == "sent") p[$1] += $3 }
     END { printf "sent=%d completed=%d lost=%d udp=%d tcp=%d\n",
                  n["sent"], n["completed"], n["lost"], p["udp"], p["tcp"] }' "$counts"
