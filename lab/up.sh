#!/usr/bin/env bash
# Start a lab: the target knot, a dnstap listener, then the source knot (so the source finds
# its listener at once instead of retrying every 5 s).
#
#   LISTENER=none     (default) nothing binds DNSTAP_SOCK: the program under test does
#   LISTENER=capture  fstrm_capture writes what the source logs to CAPTURE_FILE
#                     (default $LAB_RUN/capture.tap); down.sh closes the file cleanly
#
# Other knobs: see lib.sh. Stop with down.sh (same environment).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=SCRIPTDIR/lib.sh
. ./lib.sh
CAPTURE_FILE=${CAPTURE_FILE:-$LAB_RUN/capture.tap}

./knot.sh start target
case "${LISTENER:-none}" in
    none) ;;
    capture) ./capture.sh start "$CAPTURE_FILE" ;;
    *) die "LISTENER must be none or capture" ;;
esac
./knot.sh start source
echo "lab up in $LAB_RUN: source 127.0.0.1#$SOURCE_PORT -> dnstap $DNSTAP_SOCK;" \
    "target 127.0.0.1#$TARGET_PORT ($TARGET_ZONE, proxy-allowlist '$PROXY_ALLOW')"
