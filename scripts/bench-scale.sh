#!/usr/bin/env bash
# make bench-scale: the 10k / 100k / 1M table (bench/scale.go): synthetic graphs on the embedded
# store and bulk loaded into a Neo4j of its own (instance "scale-bench", Bolt port
# BENCH_SCALE_NEO4J_PORT, default 7782, heap 4g, page cache 2g), restarted empty before each load
# and stopped at the end. Seed directories are kept in .cache/bench/scale. Arguments go to
# `bench scale` (e.g. --sizes 10000,100000).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEO4J_INSTANCE=${BENCH_SCALE_NEO4J_INSTANCE:-scale-bench}
export NEO4J_BOLT_PORT=${BENCH_SCALE_NEO4J_PORT:-7782}
export NEO4J_HEAP=${NEO4J_HEAP:-4g}
export NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-2g}
trap 'scripts/neo4j.sh stop >&2 || true' EXIT
mkdir -p .cache/bench
echo "bench-scale.sh: building failgraph and bench" >&2
go build -o .cache/bench/failgraph ./cmd/failgraph
go build -o .cache/bench/bench ./bench
.cache/bench/bench scale --failgraph .cache/bench/failgraph --neo4j-uri "bolt://127.0.0.1:$NEO4J_BOLT_PORT" \
	--neo4j-script scripts/neo4j.sh --out .cache/bench/scale.md "$@"
