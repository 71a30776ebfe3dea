#!/usr/bin/env bash
# Installs bench/peer's npm packages (@neo4j/graphql, neo4j-driver, graphql, autocannon), pinned by
# bench/peer/package-lock.json, with `npm ci` and npm's cache in .cache/npm. Skipped when
# node_modules was installed from the same lock file. Used by scripts/test.sh and make bench-peers.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=bench/peer
stamp=$dir/node_modules/.failgraph-lock.sha256
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
	echo "peer-deps.sh: $dir/node_modules is up to date with package-lock.json" >&2
	exit 0
fi
command -v node >/dev/null || { echo "peer-deps.sh: error: node (Node.js 20 or later) is not installed" >&2; exit 1; }
echo "peer-deps.sh: npm ci in $dir (cache .cache/npm) ..." >&2
npm ci --prefix "$dir" --cache "$PWD/.cache/npm" --no-audit --no-fund --loglevel=http >&2
echo "$want" >"$stamp"
