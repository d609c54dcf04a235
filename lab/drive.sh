#!/usr/bin/env bash
# Send a bounded query mix with dnsperf, by default at the source knot.
#
#   drive.sh main [PORT]   queries/main.txt (55 queries) six times: UDPv4 twice, UDPv4 from
#                          127.0.0.5 with DO, UDPv4 with EDNS, TCPv4, UDPv6 (UDPv4 instead
#                          when ::1 is missing): 330 queries
#   drive.sh perf [PORT]   queries/perf.txt for PERF_SECONDS (default 10) with 10 clients
#
# Aimed at the source, it first waits until a dnstap listener is connected (Knot drops what it
# logs while none is), unless DRIVE_WAIT_DNSTAP=0. Prints the summed dnsperf counters;
# details in $LAB_RUN/drive.log.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

mix=${1:-main}
port=${2:-$SOURCE_PORT}
queries=$LAB_DIR/queries
log=$LAB_RUN/drive.log
v6=::1
has_ipv6_loopback || v6=127.0.0.1

perf() { dnsperf -p "$port" -t 2 "$@" >>"$log" 2>&1 || die "dnsperf $* failed, see $log"; }

if [ "$port" = "$SOURCE_PORT" ] && [ "${DRIVE_WAIT_DNSTAP:-1}" != 0 ]; then
    wait_dnstap_connected
fi
: >"$log"
case "$mix" in
    main)
        perf -q 20 -s 127.0.0.1 -d "$queries/main.txt" -n 2
        perf -q 20 -s 127.0.0.1 -a 127.0.0.5 -D -d "$queries/main.txt" -n 1
        perf -q 20 -s 127.0.0.1 -e -d "$queries/main.txt" -n 1
        perf -q 20 -s 127.0.0.1 -m tcp -d "$queries/main.txt" -n 1
        perf -q 20 -s "$v6" -d "$queries/main.txt" -n 1
        ;;
    perf)
        perf -s 127.0.0.1 -d "$queries/perf.txt" -l "${PERF_SECONDS:-10}" -c 10 -q 100
        ;;
    *)
        echo "usage: $0 main|perf [PORT]" >&2
        exit 2
        ;;
esac
awk '/Queries (sent|completed|lost)/ { sub(":", "", $2); n[$2] += $3 }
     END { printf "sent=%d completed=%d lost=%d\n", n["sent"], n["completed"], n["lost"] }' "$log"
