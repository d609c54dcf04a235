# shellcheck shell=bash
# Helpers shared by the bin/ launchers, the scripts in scripts/ and the lab (lab/lib.sh sources
# this). Source it, don't run it; it changes no directory and starts nothing.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$TOP/target/dnstap-replay.jar
# a class-data sharing archive of the classes a replay loads, made from JAR by ensure_jar
JSA=$TOP/target/dnstap-replay.jsa
# the launchers' JVM settings, before JAVA_OPTS (README, "JVM settings")
JVM_FLAGS=(-XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

step() { printf '\n== %s\n' "$*"; }

# loopback_only -> 0 if this process's network namespace has no interface but lo. /proc/net is
# per namespace; /sys/class/net is not (it shows whoever mounted /sys).
loopback_only() {
    [ "$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev)" = lo ]
}

# isolate CMD... : run CMD (exec) in a network namespace that has only loopback, brought up:
# nothing a DNS server started by CMD tries (BIND's root trust anchor refresh, a recursion)
# can leave this machine. Already in one: just exec. Root gets a plain network namespace, other
# users a user namespace mapped to root. Unix sockets and files are shared as usual; the host
# cannot reach the namespace's loopback addresses, so everything talking over them runs inside.
isolate() {
    if loopback_only; then
        ip link set lo up 2>/dev/null || true
        exec "$@"
    fi
    local ns=(unshare --net)
    [ "$(id -u)" -eq 0 ] || ns=(unshare --user --map-root-user --net)
    "${ns[@]}" true 2>/dev/null ||
        die "cannot create a network namespace with ${ns[*]}; the DNS servers run only in one"
    exec "${ns[@]}" -- sh -c 'ip link set lo up && exec "$@"' sh "$@"
}

# require_isolated WHAT : refuse to start a DNS server outside a loopback-only namespace
require_isolated() {
    loopback_only ||
        die "not starting $1 outside a loopback-only network namespace; run it under scripts/netns (e.g. scripts/netns bash), as scripts/test and scripts/demo do"
}

# stale FILE SOURCE... -> 0 if FILE is missing or older than a SOURCE or anything under one
# (a directory's own time changes when a file in it is added, removed or renamed)
stale() {
    local file=$1
    shift
    [ ! -f "$file" ] || [ -n "$(find "$@" -newer "$file" -print -quit)" ]
}

# ensure_jar : build JAR when it is stale, so a launcher never runs old code after a git pull
# or an edit. Maven's output goes to stderr, keeping a tool's stdout clean; a fresh jar costs
# one find, no Maven.
ensure_jar() {
    if stale "$JAR" "$TOP/src/main" "$TOP/proto" "$TOP/pom.xml"; then
        echo "building $JAR ..." >&2
        mvn -B -ntp -q -f "$TOP/pom.xml" package -DskipTests >&2 || die "building $JAR failed"
    fi
    ensure_cds
}

# ensure_cds : make JSA anew when it is older than JAR, from a training run that replays the
# test capture (to the discard port of 127.0.0.1: loopback only) and archives the classes it
# loaded at exit; a tool then starts in about 0.7 of the time (BENCHMARKS.md). When the JVM
# cannot (no base archive), JSA is left empty, so that no launch tries again until the next jar,
# and the launchers run without one.
ensure_cds() {
    stale "$JSA" "$JAR" || return 0
    local tmp=$JSA.$$
    java "${JVM_FLAGS[@]}" -XX:ArchiveClassesAtExit="$tmp" -cp "$JAR" \
        io.dnstapreplay.cli.ReplayCommand --read "$TOP/testdata/knot-auth-responses.tap" \
        --dns 127.0.0.1:9 --timeout 100 >/dev/null 2>&1 || true
    if [ -s "$tmp" ]; then
        mv -f "$tmp" "$JSA"
    else
        rm -f "$tmp" "$JSA"
        : >"$JSA"
    fi
}

# cds_ready -> 0 if JSA was made from this JAR. The launchers then add -XX:SharedArchiveFile,
# with the JVM's CDS warnings off (a JDK upgraded since): they would go to standard output.
cds_ready() {
    [ -s "$JSA" ] && ! stale "$JSA" "$JAR"
}

# metric NAME [LABELS] <SCRAPE -> the value of one series of a Prometheus text scrape read from
# stdin, as an integer. LABELS is the part between the braces, exactly as the scrape spells
# it, e.g. metric dnstap_replay_dns_queries_total 'result="timeout"'. A series that is not
# there is an error (every metric is exported from start-up, so it means a wrong name).
metric() {
    local series=$1
    [ $# -lt 2 ] || series="$1{$2}"
    awk -v s="$series" '
        !found && index($0, s " ") == 1 { printf "%.0f\n", $2; found = 1 }
        END { if (!found) { print "metric: no " s " in the scrape" > "/dev/stderr"; exit 1 } }'
}
