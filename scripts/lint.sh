#!/usr/bin/env bash
# golangci-lint (configuration: .golangci.yml) at the version pinned in tools/lint/go.mod, built from
# source through the Go module proxy into .cache/bin: no downloaded binary, and the main go.mod does
# not carry the linter's two hundred modules. The build runs once per pin; golangci-lint caches its
# analysis between runs, so a second run over unchanged code takes seconds.
#
#   scripts/lint.sh              lint the whole module (what make lint and make test run)
#   scripts/lint.sh ./graph/...  lint some packages; any golangci-lint run flag works too
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.cache/bin/golangci-lint
stamp=$bin.pin
pin=$(cat tools/lint/go.mod tools/lint/go.sum | sha256sum | cut -d' ' -f1)
if [ ! -x "$bin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$pin" ]; then
  version=$(awk '$1 == "github.com/golangci/golangci-lint/v2" { print $2 }' tools/lint/go.mod)
  echo "lint: building golangci-lint $version from source into $bin (once per pin; a few minutes on a fresh machine)" >&2
  mkdir -p .cache/bin
  (cd tools/lint && go build -trimpath -o "../../$bin" github.com/golangci/golangci-lint/v2/cmd/golangci-lint)
  echo "$pin" > "$stamp"
fi
exec "$bin" run "$@"
