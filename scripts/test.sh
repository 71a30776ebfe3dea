#!/usr/bin/env bash
# The whole test suite, exactly what `make test` and CI (.ci/run) run, on a fresh machine:
#   1. Go modules, 2. gofmt, 3. go generate leaves the tree unchanged, 4. go vet,
#   4b. bench/peer's npm packages (scripts/peer-deps.sh: npm ci, cached),
#   5. the client tests' npm packages (scripts/clients.sh install),
#   6. a real Neo4j (scripts/neo4j.sh; skipped when FAILGRAPH_TEST_NEO4J_URI names a running server),
#   6b. the readers the exports are proved by (scripts/export-checkers.sh: a Python venv in
#      .cache/pyenv, cytoscape in tools/cytoscape; installed once, cached),
#   7. go test -race over every package, the Neo4j conformance and fault tests included (and, in
#      cmd/failgraph, Apollo Client, urql and the graphql-http audit against a real server).
#   8. the explorer: its bundle (web/dist) is what web/src builds to, and its browser tests pass
#      on Debian's headless chromium (scripts/web.sh installs node packages and chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "Go modules"
go mod download
go mod verify >/dev/null

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go'))
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted (run gofmt -w)"

step "go generate leaves the tree unchanged"
before=$(git status --porcelain=v1 --untracked-files=all; git diff)
go generate ./...
after=$(git status --porcelain=v1 --untracked-files=all; git diff)
if [ "$before" != "$after" ]; then
  git status --short >&2
  fail "go generate changed tracked or untracked files: commit the regenerated code"
fi

step "npm packages of the benchmark's peer (bench/peer, for its quick check)"
scripts/peer-deps.sh

step "the explorer's bundle is fresh (scripts/web.sh build)"
scripts/web.sh build >/dev/null
if [ -n "$(git status --porcelain=v1 --untracked-files=all -- web/dist)" ]; then
  git status --short -- web/dist >&2
  fail "web/dist differs from what web/src builds to: run make web and commit web/dist"
fi

step "go vet"
go vet ./...

step "npm packages of the client tests (scripts/clients.sh install: npm ci in tools/clients, once per lock file)"
scripts/clients.sh install

started_neo4j=""
if [ -z "${FAILGRAPH_TEST_NEO4J_URI:-}" ]; then
  step "Neo4j (scripts/neo4j.sh start; set FAILGRAPH_TEST_NEO4J_URI to use a running server instead)"
  if ! scripts/neo4j.sh status >/dev/null 2>&1; then started_neo4j=yes; fi
  FAILGRAPH_TEST_NEO4J_URI=$(scripts/neo4j.sh start)
  export FAILGRAPH_TEST_NEO4J_URI
  if [ -n "$started_neo4j" ]; then trap 'scripts/neo4j.sh stop >&2 || true' EXIT; fi
fi
echo "Neo4j for tests: $FAILGRAPH_TEST_NEO4J_URI" >&2

step "export checkers (scripts/export-checkers.sh)"
scripts/export-checkers.sh >/dev/null

step "go test -race ./..."
go test -race -count=1 -timeout 20m ./...

step "the explorer in a browser (scripts/web.sh test)"
scripts/web.sh test
