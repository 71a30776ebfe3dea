#!/usr/bin/env bash
# failgraph's API as its real clients see it (tools/clients): Apollo Client and urql with their
# normalised caches over every example, and the GraphQL-over-HTTP audit of graphql-http.
#
#   scripts/clients.sh install   install the pinned npm packages (npm ci), once per package-lock.json
#   scripts/clients.sh test      install if needed, then run the Node tests against the server at
#                                FAILGRAPH_URL (its /graphql) with the examples in FAILGRAPH_EXAMPLES
#
# cmd/failgraph's TestRealClients starts the server, writes the examples and runs `test`. npm's
# download cache is kept in .cache/npm, so a second machine setup does not download again.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tools/clients

command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "clients.sh: Node.js 20+ with npm is needed (apt-get install nodejs npm)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "clients.sh: Node.js $(node --version) is too old: 20 or later is needed" >&2; exit 1; }

stamp=$dir/node_modules/.failgraph-lock-sha256
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "clients.sh: npm ci in $dir (download cache .cache/npm)" >&2
  mkdir -p .cache/npm
  (cd "$dir" && npm ci --no-audit --no-fund --cache "$PWD/../../.cache/npm" --loglevel=http) >&2
  echo "$want" >"$stamp"
fi

case "${1:-test}" in
install) exit 0 ;;
test) ;;
*) echo "usage: scripts/clients.sh install|test" >&2; exit 2 ;;
esac
: "${FAILGRAPH_URL:?set FAILGRAPH_URL to a failgraph /graphql endpoint}"
: "${FAILGRAPH_EXAMPLES:?set FAILGRAPH_EXAMPLES to a JSON file of examples}"
exec node --test --test-reporter=spec "$dir"/*.test.mjs
