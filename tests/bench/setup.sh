#!/usr/bin/env bash
# What the benchmarks need beyond the build: the peers, from Debian's packages.
# Idempotent: installs only what is missing.
set -euo pipefail
need=()
/usr/bin/python3 -c "import sklearn" >/dev/null 2>&1 || need+=(python3-sklearn)
/usr/bin/python3 -c "import tifffile" >/dev/null 2>&1 || need+=(python3-tifffile)
/usr/bin/python3 -c "import torch" >/dev/null 2>&1 || need+=(python3-torch)
# statsmodels: the reference of the VAR and FDR fixtures (`deno task fixtures`).
/usr/bin/python3 -c "import statsmodels" >/dev/null 2>&1 || need+=(python3-statsmodels)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
