#!/usr/bin/env bash
# Stop everything the lab scripts started in LAB_RUN: the servers first, in parallel (knotd takes
# 1-2 s to exit), so they flush their dnstap queues and finish the Frame Streams session
# (STOP/FINISH) while the capture still listens; the capture last. Only PIDs recorded by
# lib.sh's start_bg are signalled. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=SCRIPTDIR/lib.sh
. ./lib.sh

[ -f "$LAB_RUN/started" ] || exit 0
while read -r name; do
    case "$name" in
        capture) ;;
        bind | nsd | unbound | dnsdist) ./server.sh stop "$name" & ;;
        *) stop_bg "$name" & ;;
    esac
done <"$LAB_RUN/started"
wait
./capture.sh stop
rm -f "$LAB_RUN/started"
