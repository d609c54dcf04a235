#!/usr/bin/env bash
# Install what the lab needs from Debian (bookworm) packages, only when something is missing:
#   knotd + its dnstap module (a separate package), kdig, fstrm_capture/fstrm_replay,
#   dnstap-ldns, the Go `dnstap` CLI, dnsperf, ss; and for the packaging tests promtool (from
#   Debian's prometheus), systemd-analyze, man and groff. Uses sudo only when not root.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PACKAGES=(knot knot-module-dnstap knot-dnsutils knot-host fstrm-bin dnstap-ldns
    golang-github-dnstap-golang-dnstap-cli dnsperf iproute2 curl bc python3 python3-yaml
    prometheus systemd man-db groff-base)
COMMANDS=(knotd kdig fstrm_capture fstrm_replay dnstap-ldns dnstap dnsperf ss curl bc
    promtool systemd-analyze man groff)

missing_commands() {
    local c
    for c in "${COMMANDS[@]}"; do command -v "$c" >/dev/null || echo "$c"; done
}

# the dump tests parse YAML with PyYAML, in Debian's python3
has_pyyaml() {
    /usr/bin/python3 -c 'import yaml' 2>/dev/null
}

has_dnstap_module() {
    compgen -G '/usr/lib/*/knot/modules-*/dnstap.so' >/dev/null
}

if [ -z "$(missing_commands)" ] && has_dnstap_module && has_pyyaml; then
    echo "lab tools present: $(knotd --version)"
    exit 0
fi
command -v apt-get >/dev/null || die "missing $(missing_commands | xargs) and no apt-get: install Knot DNS 3.2 with mod-dnstap, fstrm, dnstap-ldns, dnstap, dnsperf by hand"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
had_promtool=$(command -v promtool || true)
"${sudo[@]}" apt-get update -qq
# knot's postinst starts no daemon without systemd; recommends are not needed
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
# only promtool is wanted: on a machine running systemd the package also starts a Prometheus
# server, which we stop and disable again
if [ -z "$had_promtool" ] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi
still_missing=$(missing_commands | xargs)
[ -z "$still_missing" ] || die "still missing after install: $still_missing"
has_dnstap_module || die "knot-module-dnstap installed but no dnstap.so found"
has_pyyaml || die "python3-yaml installed but /usr/bin/python3 cannot import yaml"
echo "installed: $(knotd --version)"
