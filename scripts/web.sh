#!/usr/bin/env bash
# The explorer's tool chain (web/), for make web, make web-test and scripts/test.sh:
#   scripts/web.sh deps     npm ci in web/ when web/node_modules does not match package-lock.json
#                           (the npm cache lives in .cache/npm), and Debian's chromium when absent
#   scripts/web.sh build    bundle web/src into web/dist with esbuild (commit the result)
#   scripts/web.sh test     build the server and run the browser tests (web/test/*.test.mjs)
#                           on headless chromium; FAILGRAPH_SCREENSHOTS=DIR saves a screenshot of
#                           each view, FAILGRAPH_WEB_BENCH=FILE writes the performance figures
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '==> %s\n' "$*" >&2; }

node_deps() {
  command -v node >/dev/null || { echo "node is not installed (apt-get install -y nodejs npm)" >&2; exit 1; }
  local want have
  want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  have=$(cat web/node_modules/.failgraph-lock 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    say "npm ci in web/ (cache: .cache/npm)"
    (cd web && npm_config_cache="$root/.cache/npm" npm ci --no-audit --no-fund --loglevel=http)
    echo "$want" > web/node_modules/.failgraph-lock
  fi
}

chromium_dep() {
  if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then return; fi
  if command -v chromium >/dev/null; then return; fi
  say "installing Debian's chromium (apt-get install -y chromium)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
}

case "${1:-}" in
  deps)
    node_deps
    chromium_dep
    ;;
  build)
    node_deps
    say "esbuild: web/src -> web/dist"
    (cd web && node build.mjs)
    ;;
  test)
    node_deps
    chromium_dep
    bin="$root/.cache/failgraph-webtest"
    mkdir -p .cache
    say "go build -o .cache/failgraph-webtest ./cmd/failgraph"
    go build -o "$bin" ./cmd/failgraph
    say "browser tests: node --test web/test/*.test.mjs (chromium: ${CHROMIUM:-$(command -v chromium)})"
    (cd web && FAILGRAPH_BIN="$bin" node --test --test-concurrency=1 --test-reporter=spec test/*.test.mjs)
    ;;
  *)
    echo "usage: scripts/web.sh deps|build|test" >&2
    exit 2
    ;;
esac
