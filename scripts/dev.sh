#!/usr/bin/env bash
# Starts the whole local federation on this machine, installing what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1
exec pnpm dev
