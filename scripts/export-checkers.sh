#!/usr/bin/env bash
# Installs the reference libraries that read failgraph's exports back in the tests, once, cached:
#   - a Python virtual environment in .cache/pyenv from tools/python/requirements.txt (every
#     package pinned: stix2-validator, stix2, mitreattack-python, networkx, bibtexparser, rdflib
#     and their dependencies), with pip's progress;
#   - cytoscape for Node.js in tools/cytoscape/node_modules from its package-lock.json (npm ci).
# A second run with the same pins does nothing. Prints the venv's python on stdout.
#   scripts/export-checkers.sh          install what is missing or out of date
#   scripts/export-checkers.sh --check  exit 1, saying what is missing, instead of installing
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.cache/pyenv"
req="$root/tools/python/requirements.txt"
say() { printf 'export-checkers: %s\n' "$*" >&2; }

stamp() { sha256sum "$1" | cut -d' ' -f1; }

py_ok() { [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$(stamp "$req")" ]; }
node_ok() { [ -f tools/cytoscape/node_modules/.package-lock.json ] && [ "$(cat tools/cytoscape/node_modules/.lock.sha256 2>/dev/null)" = "$(stamp tools/cytoscape/package-lock.json)" ]; }

if [ "${1:-}" = "--check" ]; then
  ok=yes
  py_ok || { say "the Python checkers are not installed in $venv (or their pins changed): run scripts/export-checkers.sh"; ok=""; }
  node_ok || { say "cytoscape is not installed in tools/cytoscape/node_modules: run scripts/export-checkers.sh"; ok=""; }
  [ -n "$ok" ] && echo "$venv/bin/python"
  [ -n "$ok" ]
  exit
fi

if py_ok; then
  say "Python checkers up to date in $venv"
else
  command -v python3 >/dev/null || { say "python3 is needed (apt-get install python3 python3-venv)"; exit 1; }
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv (first time: a few minutes) ..."
    python3 -m venv "$venv" || { say "python3 -m venv failed (apt-get install python3-venv)"; exit 1; }
  fi
  say "installing tools/python/requirements.txt into $venv ..."
  "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on -r "$req" >&2
  stamp "$req" > "$venv/.requirements.sha256"
  say "Python checkers installed"
fi

if node_ok; then
  say "cytoscape up to date in tools/cytoscape/node_modules"
else
  command -v npm >/dev/null || { say "npm is needed (Node.js 20)"; exit 1; }
  say "installing cytoscape (npm ci in tools/cytoscape) ..."
  (cd tools/cytoscape && npm ci --no-audit --no-fund >&2)
  stamp tools/cytoscape/package-lock.json > tools/cytoscape/node_modules/.lock.sha256
  say "cytoscape installed"
fi
echo "$venv/bin/python"
