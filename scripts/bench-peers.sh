#!/usr/bin/env bash
# make bench-peers: failgraph side by side with its peers (bench/main.go explains the run).
#   1. the peer's npm packages (scripts/peer-deps.sh), 2. a Neo4j of its own (instance "bench",
#   Bolt port BENCH_NEO4J_PORT, default 7781), started here and stopped at the end unless it was
#   already running, 3. the failgraph and bench binaries, 4. the run, whose markdown goes to stdout
#   and to .cache/bench/peers.md. Arguments go to `bench peers` (e.g. --clients 1,8 --rounds 2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/peer-deps.sh
export NEO4J_INSTANCE=${BENCH_NEO4J_INSTANCE:-bench}
export NEO4J_BOLT_PORT=${BENCH_NEO4J_PORT:-7781}
export NEO4J_HEAP=${NEO4J_HEAP:-1g}
export NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-256m}
started=""
if ! scripts/neo4j.sh status >/dev/null 2>&1; then started=yes; fi
uri=$(scripts/neo4j.sh start)
if [[ -n $started ]]; then trap 'scripts/neo4j.sh stop >&2 || true' EXIT; fi
pid=$(scripts/neo4j.sh status | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
mkdir -p .cache/bench
echo "bench-peers.sh: building failgraph and bench" >&2
go build -o .cache/bench/failgraph ./cmd/failgraph
go build -o .cache/bench/bench ./bench
.cache/bench/bench peers --neo4j-uri "$uri" --neo4j-pid "${pid:-0}" --failgraph .cache/bench/failgraph \
	--peer-dir bench/peer --out .cache/bench/peers.md "$@"
