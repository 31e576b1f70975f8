#!/usr/bin/env bash
# Installs what a fresh machine lacks, then the workspace's dependencies. Idempotent and quiet
# when everything is already there. Used by scripts/dev.sh, scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9 # pnpm 11+ needs Node 22
# Debian packages the test suite and the local federation use (a binary to look for, a package).
APT_NEEDS=(
  "nats-server nats-server"
)
# Debian packages that are not a binary on the PATH: "<package>|<command that succeeds when present>".
# python3-bitcoinlib: the devnet's conformance test talks to its Bitcoin RPC through it.
APT_NEEDS_CHECK=(
  "python3-bitcoinlib|/usr/bin/python3 -c 'import bitcoin.rpc'"
)

node_major=$(node -p 'process.versions.node.split(".").map(Number).slice(0,2).join(".")')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "Node >= 20.19 is required (found $node_major)" >&2; exit 1; }

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --no-fund --no-audit --loglevel=error
fi

missing=()
for entry in "${APT_NEEDS[@]}"; do
  read -r bin pkg <<<"$entry"
  command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
done
for entry in "${APT_NEEDS_CHECK[@]}"; do
  bash -c "${entry#*|}" >/dev/null 2>&1 || missing+=("${entry%%|*}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
fi

export TURBO_TELEMETRY_DISABLED=1
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
else
  pnpm install --reporter=silent
fi
