#!/usr/bin/env bash
# What the benchmarks need beyond the build: the peers, from Debian's packages.
# Idempotent: installs only what is missing.
set -euo pipefail
if ! /usr/bin/python3 -c "import sklearn" >/dev/null 2>&1; then
  echo "bench: installing python3-sklearn with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-sklearn >/dev/null
fi
