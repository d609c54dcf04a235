#!/usr/bin/env bash
# A stand-in dnstap listener: fstrm_capture binds DNSTAP_SOCK, accepts the source knot's
# Frame Streams session and writes it to a file that fstrm_replay, dnstap-ldns -r or
# dnstap -r can read.
#
#   capture.sh start [FILE]   default $LAB_RUN/capture.tap; start it before the source knot
#   capture.sh stop           the file is complete only once fstrm_capture has exited
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
    start)
        is_running capture && die "capture already running (pid $(pid_of capture)) in $LAB_RUN"
        rm -f "$DNSTAP_SOCK"
        start_bg capture fstrm_capture -t "$DNSTAP_CONTENT_TYPE" -u "$DNSTAP_SOCK" \
            -w "${2:-$LAB_RUN/capture.tap}"
        wait_file "$DNSTAP_SOCK" capture
        ;;
    stop)
        if is_running capture; then
            stop_bg capture
            rm -f "$DNSTAP_SOCK"
        fi
        ;;
    *)
        echo "usage: $0 start [FILE] | stop" >&2
        exit 2
        ;;
esac
