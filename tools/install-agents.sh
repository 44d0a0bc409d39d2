#!/usr/bin/env bash
# Install the npm coding-agent CLIs the arena drives (cline, opencode, claude-code) from the npm
# registry into a project-local prefix: <repo>/.arena/npm, or $ARENA_NPM_PREFIX.
#
#   bash tools/install-agents.sh          # from anywhere; needs node >= 20 and npm on PATH
#
# The adapters (agents/cline.py, opencode.py, claude_code.py) find the CLIs in
# <prefix>/node_modules/.bin/ (see agents/npm_cli.py). Versions are pinned: they are the ones the
# adapters' flags, config files and the e2e tests' scripted tool calls were checked against.
#
# Each package ships its native binary in a per-platform optional dependency from the same registry
# (@cline/cli-linux-x64, opencode-linux-x64, @anthropic-ai/claude-code-linux-x64, ...); the
# postinstall scripts of opencode-ai and claude-code only copy or hard-link that binary into place
# and download nothing. So: optional dependencies must not be omitted, and install scripts must run
# (with --ignore-scripts, `opencode` and `claude` stay stubs that print "postinstall script was not
# run"; cline still works). Both are forced below whatever the user's npm config says.
set -euo pipefail

PACKAGES=(
    "cline@3.0.65"
    "opencode-ai@1.18.33"
    "@anthropic-ai/claude-code@2.1.330"
)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${ARENA_NPM_PREFIX:-$root/.arena/npm}"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-agents: npm not found; install Node.js >= 20 with npm (e.g. apt-get install nodejs npm)" >&2
    exit 1
fi

mkdir -p "$prefix"
echo "install-agents: installing ${PACKAGES[*]} into $prefix"
npm install --prefix "$prefix" --no-fund --no-audit --no-save \
    --include=optional --ignore-scripts=false "${PACKAGES[@]}"

status=0
for bin in cline opencode claude; do
    exe="$prefix/node_modules/.bin/$bin"
    if version="$("$exe" --version 2>&1 | head -n 1)"; then
        echo "install-agents: $bin $version"
    else
        echo "install-agents: $bin does not run: $version" >&2
        status=1
    fi
done
exit "$status"
