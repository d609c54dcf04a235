#!/usr/bin/env bash
# Stop everything the lab scripts started in LAB_RUN. The source goes first so Knot flushes
# its dnstap queue and finishes the Frame Streams session (STOP/FINISH) while the listener is
# still there; the rest stop in parallel (knotd takes 1-2 s to exit). Only PIDs recorded by
# lib.sh's start_bg are signalled. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=SCRIPTDIR/lib.sh
. ./lib.sh

[ -f "$LAB_RUN/started" ] || exit 0
stop_bg source-knot
./capture.sh stop &
while read -r name; do
    case "$name" in
        source-knot | capture) ;;
        *) stop_bg "$name" & ;;
    esac
done <"$LAB_RUN/started"
wait
rm -f "$LAB_RUN/started"
