#!/usr/bin/env bash
# Installs CPI Host into a real Apache Karaf 4.4 with one feature:install and checks it.
#
#   karaf/verify-karaf.sh            # uses the CPI Host bundles already in the Maven local repository
#   karaf/verify-karaf.sh --build    # first runs mvn install (skipping tests) for the bundles it needs
#
# Everything happens under karaf/target/karaf-verify/: the Karaf distribution comes from Maven
# Central through Maven (org.apache.karaf:apache-karaf:<karaf.version>:tar.gz), Karaf's data,
# its user.home, java.io.tmpdir and JNA's temp folder are all there. Outside it only Maven's
# local repository is written (the distribution, and the scr bundles that Karaf's resolver
# downloads from Maven Central the first time).
#
# Environment (all optional):
#   KARAF_VERSION        Karaf to verify against (default: <karaf.version> of karaf/pom.xml)
#   MAVEN_LOCAL_REPO     the Maven local repository (default: what Maven says, else ~/.m2/repository)
#   KARAF_START_TIMEOUT  seconds to wait for Karaf's shell (default 120)
#   KARAF_STEP_TIMEOUT   seconds for one shell command, e.g. feature:install (default 180)
#
# Exit code 0 only when every check passed; the last line is "karaf: N passed, N failed".
set -uo pipefail

MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$MODULE_DIR/.." && pwd)"
WORK="$MODULE_DIR/target/karaf-verify"
START_TIMEOUT="${KARAF_START_TIMEOUT:-120}"
STEP_TIMEOUT="${KARAF_STEP_TIMEOUT:-180}"
BUILD=false
for arg in "$@"; do
    case "$arg" in
        --build) BUILD=true ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

SCRIPT_T0=$(date +%s%N)
PASSED=0
FAILED=0
declare -a RESULTS=()
log() { printf '[verify-karaf %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
pass() { PASSED=$((PASSED + 1)); RESULTS+=("PASS  $1"); log "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); RESULTS+=("FAIL  $1"); log "FAIL $1"; }

summary() {
    echo
    echo "================ CPI Host in Apache Karaf ${KARAF_VERSION:-?} ================"
    local r
    for r in "${RESULTS[@]}"; do echo "  $r"; done
    [ -n "${INSTALL_MS:-}" ] && echo "  feature:install cpihost cpihost-native: ${INSTALL_MS} ms until every feature was started, measured by this script (one bin/client call takes ${NOOP_MS:-?} ms); ${KARAF_INSTALL_MS:-?} ms in Karaf's log (Adding features .. Done.)"
    [ -n "${BOOT_MS:-}" ] && echo "  Karaf start until its shell answered: ${BOOT_MS} ms"
    echo "  whole script: $(ms_since "$SCRIPT_T0") ms"
    [ -n "${KARAF_HOME:-}" ] && echo "  Karaf log: ${KARAF_DATA}/log/karaf.log"
    echo "karaf: ${PASSED} passed, ${FAILED} failed"
}

die() { fail "$*"; exit 1; }

# --- Karaf's process: started in its own session/process group, stopped always ---------------
KARAF_PGID=""
stop_karaf() {
    [ -z "$KARAF_PGID" ] && return 0
    if kill -0 "$KARAF_PGID" 2>/dev/null; then
        log "stopping Karaf (bin/stop)"
        KARAF_DATA="$KARAF_DATA" timeout 30 "$KARAF_HOME/bin/stop" >/dev/null 2>&1 || true
        local i
        for i in $(seq 1 30); do
            pgrep -g "$KARAF_PGID" >/dev/null 2>&1 || break
            sleep 1
        done
        if pgrep -g "$KARAF_PGID" >/dev/null 2>&1; then
            log "Karaf still running after 30 s: SIGTERM to its process group $KARAF_PGID"
            kill -TERM -- "-$KARAF_PGID" 2>/dev/null || true
            sleep 5
            kill -KILL -- "-$KARAF_PGID" 2>/dev/null || true
        fi
    fi
    KARAF_PGID=""
}
on_exit() {
    local rc=$?
    stop_karaf
    summary
    if [ "$FAILED" -gt 0 ] || [ "$PASSED" -eq 0 ]; then exit 1; fi
    exit "$rc"
}
trap on_exit EXIT
trap 'fail "interrupted"; exit 130' INT TERM

# --- 0. versions and Maven ----------------------------------------------------------------------
command -v mvn >/dev/null || die "mvn not found"
command -v java >/dev/null || die "java not found"
if [ -z "${JAVA_HOME:-}" ]; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    export JAVA_HOME
fi
if [ -z "${KARAF_VERSION:-}" ]; then
    KARAF_VERSION="$(sed -n 's:.*<karaf.version>\(.*\)</karaf.version>.*:\1:p' "$MODULE_DIR/pom.xml" | head -1)"
fi
CPIHOST_VERSION="$(sed -n '/<parent>/,/<\/parent>/s:.*<version>\(.*\)</version>.*:\1:p' "$MODULE_DIR/pom.xml" | head -1)"
if [ -z "${MAVEN_LOCAL_REPO:-}" ]; then
    MAVEN_LOCAL_REPO="$(cd "$MODULE_DIR" && mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null | tail -1)"
    [ -d "$MAVEN_LOCAL_REPO" ] || MAVEN_LOCAL_REPO="$HOME/.m2/repository"
fi
log "Karaf $KARAF_VERSION, CPI Host $CPIHOST_VERSION, Maven local repository $MAVEN_LOCAL_REPO"

if $BUILD; then
    log "building the bundles (mvn install -DskipTests)"
    (cd "$ROOT_DIR" && mvn -B -q install -DskipTests -am \
        -pl api-bundle,registry-bundle,provider-bundles/memory,provider-bundles/example,native-bridge-bundle) \
        || die "mvn install of the bundles failed"
fi
missing=""
for a in api registry provider.memory provider.example bridge.native; do
    [ -f "$MAVEN_LOCAL_REPO/io/cpihost/$a/$CPIHOST_VERSION/$a-$CPIHOST_VERSION.jar" ] || missing="$missing $a"
done
[ -z "$missing" ] || die "not in the Maven local repository:$missing (run: $0 --build, or mvn install -DskipTests)"

log "installing the features repository (mvn -f karaf/pom.xml install)"
(cd "$MODULE_DIR" && mvn -B -q install) || die "mvn install of karaf/ failed"
[ -f "$MAVEN_LOCAL_REPO/io/cpihost/karaf-features/$CPIHOST_VERSION/karaf-features-$CPIHOST_VERSION-features.xml" ] \
    || die "the features repository is not in the Maven local repository"

# --- 1. the distribution, fresh each run ----------------------------------------------------------
rm -rf "$WORK"
mkdir -p "$WORK/download" "$WORK/home" "$WORK/data/tmp" "$WORK/jna"
t0=$(date +%s%N)
(cd "$MODULE_DIR" && mvn -B -q dependency:copy \
    -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" \
    -DoutputDirectory="$WORK/download") || die "could not get org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz through Maven"
tar -xzf "$WORK/download/apache-karaf-$KARAF_VERSION.tar.gz" -C "$WORK" || die "could not unpack Karaf"
KARAF_HOME="$WORK/apache-karaf-$KARAF_VERSION"
KARAF_DATA="$WORK/data"
export KARAF_DATA
log "Karaf unpacked in $(ms_since "$t0") ms: $KARAF_HOME"

# --- 2. configuration -----------------------------------------------------------------------------
# free loopback ports, so that a Karaf already running on 8101/1099/44444 does not interfere
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
    local p i
    for i in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 30000 ))
        port_free "$p" && { echo "$p"; return 0; }
    done
    return 1
}
SSH_PORT=$(pick_port) && RMI_REG_PORT=$(pick_port) && RMI_SRV_PORT=$(pick_port) || die "no free port"
ETC="$KARAF_HOME/etc"
sed -i -e "s/^sshPort *=.*/sshPort = $SSH_PORT/" -e "s/^sshHost *=.*/sshHost = 127.0.0.1/" "$ETC/org.apache.karaf.shell.cfg"
sed -i -e "s/^rmiRegistryPort *=.*/rmiRegistryPort = $RMI_REG_PORT/" -e "s/^rmiServerPort *=.*/rmiServerPort = $RMI_SRV_PORT/" \
    "$ETC/org.apache.karaf.management.cfg"
# a user for bin/client (Karaf 4.4 ships none enabled)
sed -i -e 's/^#karaf = karaf,_g_:admingroup/karaf = karaf,_g_:admingroup/' \
       -e 's/^#_g_\\:admingroup = /_g_\\:admingroup = /' "$ETC/users.properties"
grep -q '^karaf = karaf' "$ETC/users.properties" || die "could not enable the karaf user in etc/users.properties"
# Karaf's Maven resolver (pax-url-aether): our SNAPSHOTs from the Maven local repository,
# everything else from the distribution's system/ folder or Maven Central; no other remote.
cat > "$ETC/org.ops4j.pax.url.mvn.cfg" <<EOF
# written by verify-karaf.sh
org.ops4j.pax.url.mvn.localRepository=$MAVEN_LOCAL_REPO
org.ops4j.pax.url.mvn.useFallbackRepositories=false
org.ops4j.pax.url.mvn.defaultRepositories=\\
    \${karaf.home.uri}\${karaf.default.repository}@id=system.repository@snapshots, \\
    \${karaf.data.uri}kar@id=kar.repository@multi@snapshots, \\
    \${karaf.base.uri}\${karaf.default.repository}@id=child.system.repository@snapshots
org.ops4j.pax.url.mvn.repositories=https://repo1.maven.org/maven2@id=central
org.ops4j.pax.url.mvn.timeout=5000
org.ops4j.pax.url.mvn.socket.connectionTimeout=5000
org.ops4j.pax.url.mvn.socket.readTimeout=30000
org.ops4j.pax.url.mvn.connection.retryCount=1
EOF
# nothing outside target/ (besides Maven's local repository): user.home (client known_hosts and
# history, ~/.m2/settings.xml lookups), JNA's temp folder. java.io.tmpdir is KARAF_DATA/tmp already.
export EXTRA_JAVA_OPTS="-Duser.home=$WORK/home -Djna.tmpdir=$WORK/jna"

# --- 3. start headless -----------------------------------------------------------------------------
log "starting Karaf (bin/karaf server, ssh on 127.0.0.1:$SSH_PORT)"
t0=$(date +%s%N)
setsid "$KARAF_HOME/bin/karaf" server >"$WORK/karaf.out" 2>&1 < /dev/null &
KARAF_PGID=$!

# one shell command through bin/client; output in $OUT, exit code returned.
# Batch mode (-b, the command on stdin): with the command as an argument and no terminal on
# stdin (CI, nohup, < /dev/null) the 4.4 client closes the channel at once and prints "Closed".
client_t() {
    local limit=$1; shift
    OUT="$(printf '%s\n' "$*" | timeout "$limit" "$KARAF_HOME/bin/client" -b -h 127.0.0.1 -a "$SSH_PORT" \
        -u karaf -p karaf -r 1 2>&1)"
    local rc=$?
    OUT="$(printf '%s' "$OUT" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r$//' \
        | grep -v -e 'JAVA_HOME not set' -e '^SLF4J')"
    return $rc
}
client() { client_t "$STEP_TIMEOUT" "$@"; }

deadline=$(( $(date +%s) + START_TIMEOUT ))
up=false
while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$KARAF_PGID" 2>/dev/null || { cat "$WORK/karaf.out"; die "Karaf exited during start"; }
    # the shell answers and the features service (boot features) is there
    if client_t 20 "feature:list -i" && printf '%s' "$OUT" | grep -q '^shell '; then up=true; break; fi
    sleep 2
done
$up || { printf '%s\n' "$OUT" | tail -5; die "Karaf's shell did not answer within ${START_TIMEOUT} s"; }
BOOT_MS=$(ms_since "$t0")
pass "Karaf $KARAF_VERSION started, shell answered after ${BOOT_MS} ms"

t0=$(date +%s%N); client "shell:echo ok"; NOOP_MS=$(ms_since "$t0")

# --- 4. one feature:repo-add, one feature:install ---------------------------------------------------
REPO_URL="mvn:io.cpihost/karaf-features/$CPIHOST_VERSION/xml/features"
if client "feature:repo-add $REPO_URL" && ! printf '%s' "$OUT" | grep -qi -e error -e exception; then
    pass "feature:repo-add $REPO_URL"
else
    printf '%s\n' "$OUT"; die "feature:repo-add $REPO_URL"
fi
log "feature:install cpihost cpihost-native"
LOG_LINES_BEFORE=$(wc -l < "$KARAF_DATA/log/karaf.log")
t0=$(date +%s%N)
client "feature:install -v cpihost cpihost-native"; rc=$?
printf '%s\n' "$OUT" > "$WORK/feature-install.out"
# Installing JNA refreshes Karaf's own shell bundles (org.jline imports com.sun.jna optionally),
# which can end the SSH session of the feature:install before the install is finished: wait
# (bounded) until the features service reports all four features started.
deadline=$(( $(date +%s) + STEP_TIMEOUT ))
installed=false
while [ "$(date +%s)" -lt "$deadline" ]; do
    if client_t 20 "feature:list -i"; then
        ok=true
        for f in scr cpihost-jackson cpihost cpihost-jna cpihost-native; do
            printf '%s\n' "$OUT" | grep -qE "^$f +\\|.*\\| Started " || ok=false
        done
        $ok && { installed=true; break; }
    fi
    sleep 1
done
INSTALL_MS=$(ms_since "$t0")
FEATURES_OUT="$OUT"
# Karaf's own measure: from "Adding features: cpihost..." to the last "Done." of that install
KARAF_INSTALL_MS="$(tail -n +"$((LOG_LINES_BEFORE + 1))" "$KARAF_DATA/log/karaf.log" | awk -F' [|] ' '
    function ms(ts,   d, t, p) { split(ts, d, "T"); split(d[2], t, ":"); sub(",", ".", t[3]);
                                 return int((t[1] * 3600 + t[2] * 60 + t[3]) * 1000 + 0.5) }
    /Adding features: cpihost/ && !start { start = ms($1) }
    start && $NF ~ /^Done\.$/ { end = ms($1) }
    END { if (start && end) print end - start }')"
if $installed && [ $rc -eq 0 ] && ! grep -qi -e 'unable to resolve' -e 'error executing' "$WORK/feature-install.out"; then
    pass "feature:install cpihost cpihost-native (${INSTALL_MS} ms until all features started; Karaf's log: ${KARAF_INSTALL_MS:-?} ms)"
else
    tail -30 "$WORK/feature-install.out"; die "feature:install cpihost cpihost-native (exit $rc)"
fi
for f in scr cpihost-jackson cpihost cpihost-jna cpihost-native; do
    if printf '%s\n' "$FEATURES_OUT" | grep -qE "^$f +\\|.*\\| Started "; then pass "feature $f started"; else fail "feature $f started"; fi
done

client "bundle:list -s -t 0"
printf '%s\n' "$OUT" > "$WORK/bundles.out"
for b in io.cpihost.api io.cpihost.registry io.cpihost.provider.memory io.cpihost.provider.example \
         io.cpihost.bridge.native com.sun.jna com.fasterxml.jackson.core.jackson-databind org.apache.felix.scr; do
    line="$(printf '%s\n' "$OUT" | grep -E "\\| $b( |\$)" | head -1)"
    if printf '%s' "$line" | grep -q '| Active '; then pass "bundle $b Active"; else fail "bundle $b Active: ${line:-not installed}"; fi
done
client "bundle:requirements io.cpihost.bridge.native"
if printf '%s\n' "$OUT" | grep -A1 'osgi.wiring.package=com.sun.jna)' | grep -q 'from com.sun.jna'; then
    pass "the native bridge is wired to JNA (com.sun.jna)"
else
    fail "the native bridge is wired to JNA (com.sun.jna)"
fi

# --- 5. the cpi:* Gogo commands in Karaf's shell -----------------------------------------------------
# Karaf's SSH exec channel (bin/client "cmd", ssh karaf@host cmd) runs a command but does not print
# the value it returns (only the interactive console does), and the cpi:* functions return their
# text: so each is run inside Gogo's echo (...), which prints the returned value.
client "cpi:list"; rc=$?
if [ $rc -eq 0 ] && ! printf '%s' "$OUT" | grep -qi -e 'command not found' -e 'error'; then
    pass "cpi:list is a command of Karaf's shell (exit 0)"
else
    printf '%s\n' "$OUT"; fail "cpi:list is a command of Karaf's shell (exit $rc)"
fi
# components activate asynchronously after the install: wait (bounded) for both providers
deadline=$(( $(date +%s) + 30 ))
while :; do
    client "echo (cpi:list)"
    printf '%s\n' "$OUT" | grep -qE '^memory .* ACTIVE ' && printf '%s\n' "$OUT" | grep -qE '^example .* ACTIVE ' && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
done
printf '%s\n' "$OUT" > "$WORK/cpi-list.out"
echo "--- cpi:list"; printf '%s\n' "$OUT"
for e in memory example; do
    if printf '%s\n' "$OUT" | grep -qE "^$e .* ACTIVE "; then pass "cpi:list: $e ACTIVE"; else fail "cpi:list: $e ACTIVE"; fi
done

client "echo (cpi:call memory info)"
printf '%s\n' "$OUT" > "$WORK/cpi-call.out"
echo "--- cpi:call memory info"; printf '%s\n' "$OUT"
if printf '%s' "$OUT" | grep -qE '"api_version" *: *2\b'; then pass "cpi:call memory info: api_version 2"; else fail "cpi:call memory info: api_version 2"; fi

client "echo (cpi:test memory)"; rc=$?
printf '%s\n' "$OUT" > "$WORK/cpi-test.out"
echo "--- cpi:test memory (last lines; all in $WORK/cpi-test.out)"; printf '%s\n' "$OUT" | tail -3
if [ $rc -eq 0 ] && printf '%s' "$OUT" | grep -qE 'cpi:test memory: [1-9][0-9]* passed, 0 failed'; then
    pass "cpi:test memory: 0 failed"
else
    fail "cpi:test memory: 0 failed (exit $rc)"
fi

# --- 5a. a configuration dropped into etc/ (Karaf's FileInstall -> ConfigAdmin -> DS) ---------------
# a native bridge instance whose library does not exist: listed in state ERROR with the reason
CFG="$KARAF_HOME/etc/io.cpihost.bridge.native-karafcheck.cfg"
printf 'library=%s\nname=karafcheck\n' "$WORK/no-such-library.so" > "$CFG.tmp" && mv "$CFG.tmp" "$CFG"
t0=$(date +%s%N); deadline=$(( $(date +%s) + 20 ))
while :; do
    client "echo (cpi:list)"
    printf '%s\n' "$OUT" | grep -qE '^karafcheck .* ERROR ' && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
done
if printf '%s\n' "$OUT" | grep -qE '^karafcheck .* ERROR '; then
    pass "etc/io.cpihost.bridge.native-karafcheck.cfg: instance listed (ERROR: no library) after $(ms_since "$t0") ms"
else
    printf '%s\n' "$OUT"; fail "etc/io.cpihost.bridge.native-karafcheck.cfg: instance listed"
fi
rm -f "$CFG"
t0=$(date +%s%N); deadline=$(( $(date +%s) + 20 ))
while :; do
    client "echo (cpi:list)"
    printf '%s\n' "$OUT" | grep -q '^karafcheck ' || break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
done
if printf '%s\n' "$OUT" | grep -q '^karafcheck '; then
    fail "etc/ configuration deleted: instance gone"
else
    pass "etc/ configuration deleted: instance gone after $(ms_since "$t0") ms"
fi

# --- 5b. cpihost-process, when the process bridge has been built ------------------------------------
if [ -f "$MAVEN_LOCAL_REPO/io/cpihost/bridge.process/$CPIHOST_VERSION/bridge.process-$CPIHOST_VERSION.jar" ]; then
    t0=$(date +%s%N)
    client "feature:install cpihost-process"; rc=$?
    if [ $rc -eq 0 ] && client "feature:list -i" && printf '%s\n' "$OUT" | grep -qE '^cpihost-process +\|.*\| Started '; then
        pass "feature:install cpihost-process ($(ms_since "$t0") ms)"
    else
        printf '%s\n' "$OUT" | tail -20; fail "feature:install cpihost-process (exit $rc)"
    fi
    client "bundle:list -s -t 0"
    line="$(printf '%s\n' "$OUT" | grep -E '\| io\.cpihost\.bridge\.process( |$)' | head -1)"
    if printf '%s' "$line" | grep -q '| Active '; then pass "bundle io.cpihost.bridge.process Active"; else fail "bundle io.cpihost.bridge.process Active: ${line:-not installed}"; fi
else
    RESULTS+=("SKIP  cpihost-process: bridge.process $CPIHOST_VERSION is not in the Maven local repository")
    log "SKIP cpihost-process (bridge.process not built yet)"
fi

# --- 6. nothing went wrong on the way -----------------------------------------------------------------
if grep -E '\| (ERROR|WARN) ' "$KARAF_DATA/log/karaf.log" | grep -i -e cpihost -e 'io\.cpihost' \
        | grep -v karafcheck > "$WORK/cpihost-log-problems.out"; then
    fail "no ERROR/WARN about io.cpihost in karaf.log (see $WORK/cpihost-log-problems.out)"
else
    pass "no ERROR/WARN about io.cpihost in karaf.log (besides the deliberate karafcheck instance)"
fi

stop_karaf
if [ -d "$KARAF_DATA" ] && ! pgrep -f "karaf.data=$KARAF_DATA" >/dev/null 2>&1; then pass "Karaf stopped"; else fail "Karaf stopped"; fi
exit 0
