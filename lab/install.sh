#!/usr/bin/env bash
# Install what the lab needs from Debian (bookworm) packages, only when something is missing:
#   knotd + its dnstap module (a separate package), kdig, fstrm_capture/fstrm_replay,
#   dnstap-ldns, the Go `dnstap` CLI, dnsperf, ss; BIND, NSD, Unbound and dnsdist (server.sh);
#   and for the packaging tests promtool (from Debian's prometheus), systemd-analyze, man and
#   groff. Uses sudo only when not root.
#
# No server may start from the install: it would run in the host's network namespace, and
# Debian's unbound is a recursive resolver, bind9 validates DNSSEC (it fetches the root trust
# anchor). So apt runs with a policy-rc.d that refuses every service start (an existing one is
# put back afterwards), and on a machine running systemd the servers' units that this install
# brought are disabled, stopped and masked; the lab starts its own servers in a namespace.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PACKAGES=(knot knot-module-dnstap knot-dnsutils knot-host fstrm-bin dnstap-ldns
    golang-github-dnstap-golang-dnstap-cli dnsperf iproute2 curl bc python3 python3-yaml
    bind9 bind9-utils nsd unbound dnsdist prometheus systemd man-db groff-base)
COMMANDS=(knotd kdig fstrm_capture fstrm_replay dnstap-ldns dnstap dnsperf ss curl bc
    named named-checkconf nsd nsd-checkconf unbound unbound-checkconf dnsdist
    promtool systemd-analyze man groff)
# the servers' systemd units, by the command that tells whether the package was there before
declare -A UNITS=([knotd]="knot.service" [named]="named.service named-resolvconf.service"
    [nsd]="nsd.service" [unbound]="unbound.service unbound-resolvconf.service"
    [dnsdist]="dnsdist.service" [promtool]="prometheus.service")
POLICY=/usr/sbin/policy-rc.d

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
new_units=()
for c in "${!UNITS[@]}"; do
    # shellcheck disable=SC2206  # unit names have no spaces
    command -v "$c" >/dev/null || new_units+=(${UNITS[$c]})
done

# no_service_starts CMD... : run CMD while invoke-rc.d refuses to start any service (101)
no_service_starts() {
    local saved="" rc=0
    if [ -e "$POLICY" ]; then
        saved=$(mktemp)
        "${sudo[@]}" cp -p "$POLICY" "$saved"
    fi
    printf '#!/bin/sh\n# lab/install.sh: no service starts while it installs\nexit 101\n' |
        "${sudo[@]}" tee "$POLICY" >/dev/null
    "${sudo[@]}" chmod 755 "$POLICY"
    "$@" || rc=$?
    if [ -n "$saved" ]; then
        "${sudo[@]}" cp -p "$saved" "$POLICY"
        rm -f "$saved"
    else
        "${sudo[@]}" rm -f "$POLICY"
    fi
    return "$rc"
}

"${sudo[@]}" apt-get update -qq
# recommends are not needed
no_service_starts "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
# systemd enables units on install even when their start is refused: a reboot would start them
if [ "${#new_units[@]}" -gt 0 ] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now "${new_units[@]}" >/dev/null 2>&1 || true
    "${sudo[@]}" systemctl mask "${new_units[@]}" >/dev/null 2>&1 || true
fi
still_missing=$(missing_commands | xargs)
[ -z "$still_missing" ] || die "still missing after install: $still_missing"
has_dnstap_module || die "knot-module-dnstap installed but no dnstap.so found"
has_pyyaml || die "python3-yaml installed but /usr/bin/python3 cannot import yaml"
echo "installed: $(knotd --version)"
