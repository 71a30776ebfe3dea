#!/usr/bin/env bash
# Run a real Neo4j Community server (Bolt only, no auth) for tests and local use, without Docker.
# The jars come from Maven Central via tools/neo4j/pom.xml; everything is kept under .cache/ (git-ignored).
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/neo4j.sh start|stop|status|uri|fetch|logs|help
       scripts/neo4j.sh import DIR

  fetch    Download the Neo4j Community jars (version pinned in tools/neo4j/pom.xml) into
           .cache/neo4j-<version>/lib (Maven local repo: .cache/m2). Skipped when already fetched.
  start    Fetch if needed, then start the instance in the background and wait until Bolt is ready
           (at most NEO4J_START_TIMEOUT s). Prints the Bolt URI on stdout (progress goes to stderr),
           so  NEO4J_URI=$(scripts/neo4j.sh start)  works. Idempotent: if the instance is already
           running, just prints its URI. On failure or timeout prints the last 40 log lines, stops
           the half-started process and exits 1.
  stop     SIGTERM, wait up to NEO4J_STOP_TIMEOUT s, then SIGKILL. Idempotent.
  status   Prints "running pid=<pid> uri=<uri>" (exit 0) or "stopped uri=<uri>" (exit 3).
  uri      Prints bolt://127.0.0.1:<port> for the instance.
  logs     Prints the last 40 lines of the instance's console log.
  import DIR
           Offline bulk load: stops the instance if it runs, REPLACES its database with the CSV files
           in DIR (written by `failgraph synth --import-dir DIR`) using `neo4j-admin database import
           full` from the same jars (progress on stderr), then starts it and prints its URI. The
           options come from DIR/import.args, one per line. Nothing of the previous graph survives;
           finish with `failgraph synth --finish-import DIR` (indexes, check, load record).

Environment:
  NEO4J_INSTANCE       instance name (default: default) -> .cache/neo4j-instances/<name>/
                       (home dir with data/, logs/, console.log, neo4j.pid, port)
  NEO4J_BOLT_PORT      Bolt port. Default: 7687 for the "default" instance. For other instances:
                       the port recorded by their last start, else 17000 + (cksum(name) mod 1000).
                       Set it explicitly when running several instances side by side, e.g.
                       NEO4J_INSTANCE=fault NEO4J_BOLT_PORT=7697 scripts/neo4j.sh start
  NEO4J_FRESH=1        wipe the instance's data dir before starting (ignored if already running)
  NEO4J_HEAP           JVM heap max (default 768m; -Xms256m)
  NEO4J_PAGECACHE      page cache size (default 128m)
  NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 120)
  NEO4J_STOP_TIMEOUT   seconds to wait for a clean shutdown before SIGKILL (default 60)
  NEO4J_JAVA           java binary to use (default: $JAVA_HOME/bin/java or java on PATH; if that is too
                       old for the pinned Neo4j, a newer JDK from update-alternatives / /usr/lib/jvm)
  NEO4J_JAVA_OPTS      extra JVM options (word-split)
  NEO4J_CACHE_DIR      cache root (default: <repo>/.cache)
  NEO4J_MAVEN_REPO     Maven local repository for fetch (default: <cache>/m2)
  NEO4J_IMPORT_HEAP    JVM heap of the import tool (default 1g)
  NEO4J_IMPORT_MEMORY  off-heap memory the import tool may use (default 2g)

Auth is disabled: connect with neo4j.NoAuth(). HTTP is off; Bolt listens on 127.0.0.1 only.
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
POM="$REPO_ROOT/tools/neo4j/pom.xml"
CACHE_DIR=${NEO4J_CACHE_DIR:-$REPO_ROOT/.cache}
MAVEN_REPO=${NEO4J_MAVEN_REPO:-$CACHE_DIR/m2}

# The log line (console mode) after which the DBMS and Bolt are fully up.
READY_PATTERN='INFO  Started\.$'

log() { printf '%s\n' "neo4j.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -f $POM ]] || die "missing $POM"
NEO4J_VERSION=$(sed -n 's:.*<neo4j\.version>\([^<]*\)</neo4j\.version>.*:\1:p' "$POM" | head -n1)
[[ -n $NEO4J_VERSION ]] || die "cannot read <neo4j.version> from $POM"
DIST_DIR="$CACHE_DIR/neo4j-$NEO4J_VERSION"
LIB_DIR="$DIST_DIR/lib"
FETCH_MARKER="$DIST_DIR/.fetched"

INSTANCE=${NEO4J_INSTANCE:-default}
[[ $INSTANCE =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "invalid NEO4J_INSTANCE '$INSTANCE' (use [A-Za-z0-9._-])"
INST_DIR="$CACHE_DIR/neo4j-instances/$INSTANCE"
PID_FILE="$INST_DIR/neo4j.pid"
PORT_FILE="$INST_DIR/port"
CONSOLE_LOG="$INST_DIR/console.log"
LOCK_FILE="$INST_DIR/.lock"

START_TIMEOUT=${NEO4J_START_TIMEOUT:-120}
STOP_TIMEOUT=${NEO4J_STOP_TIMEOUT:-60}

resolve_port() {
	local p
	if [[ -n ${NEO4J_BOLT_PORT:-} ]]; then
		p=$NEO4J_BOLT_PORT
	elif [[ -s $PORT_FILE ]]; then
		p=$(<"$PORT_FILE")
	elif [[ $INSTANCE == default ]]; then
		p=7687
	else
		p=$((17000 + $(printf '%s' "$INSTANCE" | cksum | cut -d' ' -f1) % 1000))
	fi
	[[ $p =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "invalid Bolt port '$p'"
	printf '%s' "$p"
}
PORT=$(resolve_port)
URI="bolt://127.0.0.1:$PORT"

# ---------------------------------------------------------------- helpers

# pid of this instance's server if it is alive (and really is our Neo4j), else empty.
running_pid() {
	[[ -f $PID_FILE ]] || return 0
	local pid
	pid=$(<"$PID_FILE")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	# Guard against pid reuse: the command line must be our server with our home dir.
	local cmd
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
	[[ $cmd == *CommunityEntryPoint*"--home-dir=$INST_DIR "* ]] || return 0
	printf '%s' "$pid"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

java_major() {
	"$1" -XshowSettings:properties -version 2>&1 |
		sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n1
}

# Java needed by the pinned Neo4j: 5.x runs on 17 (or 21); CalVer 2025.01+ needs 21 (25 from 2025.10).
required_java() {
	case $NEO4J_VERSION in
	5.*) echo 17 ;;
	20*) echo 21 ;;
	*) echo 17 ;;
	esac
}

pick_java() {
	local need cand major best="" best_major=0
	need=$(required_java)
	if [[ -n ${NEO4J_JAVA:-} ]]; then
		printf '%s' "$NEO4J_JAVA"
		return
	fi
	if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then cand=$JAVA_HOME/bin/java; else cand=$(command -v java || true); fi
	if [[ -n $cand ]]; then
		major=$(java_major "$cand")
		if [[ -n $major ]] && ((major >= need)); then
			printf '%s' "$cand"
			return
		fi
	fi
	# Fallback: the newest installed JDK that is new enough.
	while read -r cand; do
		[[ -x $cand ]] || continue
		major=$(java_major "$cand")
		[[ -n $major ]] || continue
		if ((major >= need && major > best_major)); then best=$cand best_major=$major; fi
	done < <({ update-alternatives --list java 2>/dev/null || true; ls -d /usr/lib/jvm/*/bin/java 2>/dev/null || true; } | sort -u)
	[[ -n $best ]] || die "Neo4j $NEO4J_VERSION needs Java $need+, none found (set NEO4J_JAVA)"
	log "using $best (Java $best_major) for Neo4j $NEO4J_VERSION"
	printf '%s' "$best"
}

# ---------------------------------------------------------------- fetch

do_fetch() {
	[[ -f $FETCH_MARKER ]] && return 0
	mkdir -p "$DIST_DIR"
	exec 8>"$DIST_DIR.fetch.lock"
	flock -w 1800 8 || die "timed out waiting for another fetch of Neo4j $NEO4J_VERSION"
	if [[ -f $FETCH_MARKER ]]; then exec 8>&-; return 0; fi
	command -v mvn >/dev/null || die "mvn not found (needed to fetch Neo4j jars from Maven Central)"
	local partial="$DIST_DIR/lib.partial" t0 t1 n size
	rm -rf "$partial"
	log "fetching Neo4j Community $NEO4J_VERSION jars from Maven Central (Maven repo: $MAVEN_REPO) ..."
	t0=$(date +%s)
	# No -q: transfer progress ("Downloading from central: ..." / "Downloaded ... (x kB at y kB/s)") is shown.
	mvn -B -f "$POM" \
		-Dmaven.repo.local="$MAVEN_REPO" -Dstyle.color=never \
		-Dorg.slf4j.simpleLogger.log.org.apache.maven.cli.transfer.Slf4jMavenTransferListener=info \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$partial" >&2 ||
		die "mvn dependency:copy-dependencies failed"
	t1=$(date +%s)
	n=$(find "$partial" -name '*.jar' | wc -l)
	((n > 0)) || die "no jars were copied to $partial"
	ls "$partial"/neo4j-server-*.jar >/dev/null 2>&1 || die "neo4j-server jar missing in $partial"
	rm -rf "$LIB_DIR"
	mv "$partial" "$LIB_DIR"
	size=$(du -sh "$LIB_DIR" | cut -f1)
	printf 'version=%s\njars=%s\nsize=%s\nseconds=%s\ndate=%s\n' \
		"$NEO4J_VERSION" "$n" "$size" "$((t1 - t0))" "$(date -u +%FT%TZ)" >"$FETCH_MARKER"
	log "fetched $n jars ($size) into $LIB_DIR in $((t1 - t0)) s"
	exec 8>&-
}

# ---------------------------------------------------------------- stop

stop_pid() {
	local pid=$1 waited=0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		if ((waited >= STOP_TIMEOUT * 5)); then
			log "pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
			local k=0
			while kill -0 "$pid" 2>/dev/null && ((k < 50)); do sleep 0.1; k=$((k + 1)); done
			break
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	rm -f "$PID_FILE"
}

cmd_stop() {
	mkdir -p "$INST_DIR"
	exec 9>"$LOCK_FILE"
	flock -w $((START_TIMEOUT + 60)) 9 || die "could not lock $LOCK_FILE"
	local pid
	pid=$(running_pid)
	if [[ -z $pid ]]; then
		rm -f "$PID_FILE"
		log "instance '$INSTANCE' is not running"
		return 0
	fi
	log "stopping instance '$INSTANCE' (pid $pid) ..."
	local t0=$SECONDS
	stop_pid "$pid"
	log "stopped in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- start

tail_log() {
	log "last 40 lines of $CONSOLE_LOG:"
	tail -n 40 "$CONSOLE_LOG" >&2 2>/dev/null || true
}

cmd_start() {
	mkdir -p "$INST_DIR"
	exec 9>"$LOCK_FILE"
	if ! flock -n 9; then
		log "another start/stop of instance '$INSTANCE' is in progress, waiting ..."
		flock -w 1800 9 || die "could not lock $LOCK_FILE"
	fi

	local pid
	pid=$(running_pid)
	if [[ -n $pid ]]; then
		local rport
		rport=$(cat "$PORT_FILE" 2>/dev/null || echo "$PORT")
		[[ ${NEO4J_FRESH:-0} == 1 ]] && log "NEO4J_FRESH=1 ignored: instance '$INSTANCE' is already running"
		[[ $rport != "$PORT" ]] && log "warning: instance '$INSTANCE' is running on port $rport, not $PORT"
		log "instance '$INSTANCE' already running (pid $pid)"
		echo "bolt://127.0.0.1:$rport"
		return 0
	fi
	rm -f "$PID_FILE"

	if port_open "$PORT"; then
		die "port $PORT is already in use by another process (another instance? set NEO4J_BOLT_PORT)"
	fi

	do_fetch

	local java major
	java=$(pick_java)
	major=$(java_major "$java")

	if [[ ${NEO4J_FRESH:-0} == 1 ]]; then
		log "NEO4J_FRESH=1: wiping $INST_DIR/data"
		rm -rf "$INST_DIR/data"
	fi
	mkdir -p "$INST_DIR/data" "$INST_DIR/logs"
	[[ -f $CONSOLE_LOG ]] && mv -f "$CONSOLE_LOG" "$CONSOLE_LOG.1"
	printf '%s\n' "$PORT" >"$PORT_FILE"

	local -a jvm=(
		"-Xms256m" "-Xmx${NEO4J_HEAP:-768m}"
		"-XX:+ExitOnOutOfMemoryError" "-XX:-OmitStackTraceInFastThrow"
		"-Djdk.nio.maxCachedBufferSize=1024"
		"--add-opens=java.base/java.nio=ALL-UNNAMED"
		"--add-opens=java.base/java.io=ALL-UNNAMED"
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
		"--add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
		"-Dio.netty.tryReflectionSetAccessible=true"
		"-Dlog4j2.disable.jmx=true"
		"-Dfile.encoding=UTF-8"
	)
	((major >= 22)) && jvm+=("--enable-native-access=ALL-UNNAMED")
	if [[ -n ${NEO4J_JAVA_OPTS:-} ]]; then
		# shellcheck disable=SC2206
		jvm+=(${NEO4J_JAVA_OPTS})
	fi
	local -a conf=(
		-c "server.default_listen_address=127.0.0.1"
		-c "server.default_advertised_address=127.0.0.1"
		-c "server.bolt.enabled=true"
		-c "server.bolt.listen_address=127.0.0.1:$PORT"
		-c "server.bolt.advertised_address=127.0.0.1:$PORT"
		-c "server.http.enabled=false"
		-c "server.https.enabled=false"
		-c "dbms.security.auth_enabled=false"
		-c "server.memory.pagecache.size=${NEO4J_PAGECACHE:-128m}"
		-c "dbms.usage_report.enabled=false"
		-c "server.logs.debug.enabled=false"
		-c "db.logs.query.enabled=OFF"
		-c "db.tx_log.preallocate=false"
		-c "db.tx_log.rotation.size=1M"
		-c "db.tx_log.rotation.retention_policy=1 files"
		# Bolt's Netty event loops otherwise wait a 2 s quiet period each on shutdown (~10 s per stop).
		-c "internal.dbms.bolt.netty_server_shutdown_quiet_period=0"
	)

	log "starting Neo4j $NEO4J_VERSION instance '$INSTANCE' on $URI (Java $major, home $INST_DIR) ..."
	local t0
	t0=$(date +%s.%N)
	# setsid: own session/process group, survives the calling shell; exec chain keeps $! == java pid.
	setsid nohup "$java" "${jvm[@]}" -cp "$LIB_DIR/*" org.neo4j.server.CommunityEntryPoint \
		"--home-dir=$INST_DIR" --console-mode "${conf[@]}" \
		</dev/null >"$CONSOLE_LOG" 2>&1 9>&- &
	pid=$!
	printf '%s\n' "$pid" >"$PID_FILE"

	local i=0 deadline=$((START_TIMEOUT * 4))
	printf 'neo4j.sh: waiting for Bolt ' >&2
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null && rc=0 || rc=$?
			printf '\n' >&2
			rm -f "$PID_FILE"
			log "the Neo4j process (pid $pid) exited with status $rc during startup"
			tail_log
			exit 1
		fi
		if grep -qE "$READY_PATTERN" "$CONSOLE_LOG" 2>/dev/null && port_open "$PORT"; then
			break
		fi
		if ((i >= deadline)); then
			printf '\n' >&2
			log "Bolt not ready after ${START_TIMEOUT}s"
			tail_log
			log "stopping the half-started process (pid $pid)"
			stop_pid "$pid"
			exit 1
		fi
		sleep 0.25
		i=$((i + 1))
		if ((i % 20 == 0)); then printf '%ds' $((i / 4)) >&2; elif ((i % 4 == 0)); then printf '.' >&2; fi
	done
	local t1
	t1=$(date +%s.%N)
	printf '\n' >&2
	log "ready in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s: $URI (pid $pid, log $CONSOLE_LOG)"
	echo "$URI"
}

# ---------------------------------------------------------------- import

cmd_import() {
	local dir=${1:-}
	[[ -n $dir ]] || die "usage: scripts/neo4j.sh import DIR"
	[[ -f $dir/import.args ]] || die "$dir/import.args not found (write it with: failgraph synth --nodes N --import-dir $dir)"
	dir=$(cd "$dir" && pwd)
	local -a opts=()
	local line
	while IFS= read -r line || [[ -n $line ]]; do
		[[ -z $line ]] && continue
		# Options only, never a command or a database name: the database is always "neo4j".
		[[ $line =~ ^--[a-z][a-z-]*=[^[:space:]]+$ ]] || die "$dir/import.args: not an option of the import tool: '$line'"
		opts+=("$line")
	done <"$dir/import.args"
	((${#opts[@]} > 0)) || die "$dir/import.args holds no options"

	mkdir -p "$INST_DIR"
	exec 9>"$LOCK_FILE"
	flock -w $((START_TIMEOUT + 60)) 9 || die "could not lock $LOCK_FILE"
	local pid
	pid=$(running_pid)
	if [[ -n $pid ]]; then
		log "stopping instance '$INSTANCE' (pid $pid) for the import ..."
		stop_pid "$pid"
	fi
	do_fetch
	local java
	java=$(pick_java)
	mkdir -p "$INST_DIR/data" "$INST_DIR/logs"
	log "importing $dir into instance '$INSTANCE' (neo4j-admin database import full, replacing the database) ..."
	local t0=$SECONDS rc=0
	(cd "$dir" && NEO4J_HOME=$INST_DIR NEO4J_CONF=$INST_DIR/conf "$java" "-Xmx${NEO4J_IMPORT_HEAP:-1g}" \
		-XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 -cp "$LIB_DIR/*" org.neo4j.cli.AdminTool \
		database import full neo4j --overwrite-destination=true \
		"--max-off-heap-memory=${NEO4J_IMPORT_MEMORY:-2g}" "--report-file=$INST_DIR/logs/import.report" \
		"${opts[@]}" </dev/null >&2) || rc=$?
	exec 9>&-
	((rc == 0)) || die "the import failed (status $rc; report: $INST_DIR/logs/import.report); the database is left unusable: import again, or start with NEO4J_FRESH=1"
	log "imported in $((SECONDS - t0)) s"
	cmd_start
}

# ---------------------------------------------------------------- status / uri / logs

cmd_status() {
	local pid
	pid=$(running_pid)
	if [[ -n $pid ]]; then
		local bolt=up
		port_open "$PORT" || bolt=down
		echo "running pid=$pid uri=$URI bolt=$bolt instance=$INSTANCE version=$NEO4J_VERSION"
		return 0
	fi
	echo "stopped uri=$URI instance=$INSTANCE version=$NEO4J_VERSION"
	return 3
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
uri) echo "$URI" ;;
fetch) do_fetch && log "Neo4j $NEO4J_VERSION jars in $LIB_DIR ($(tr '\n' ' ' <"$FETCH_MARKER"))" ;;
logs) tail -n 40 "$CONSOLE_LOG" ;;
import) cmd_import "${2:-}" ;;
help | -h | --help) usage ;;
*)
	usage >&2
	exit 2
	;;
esac
