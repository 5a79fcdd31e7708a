#!/usr/bin/env bash
# What the test suite needs from Debian's packages (idempotent: installs only what is missing):
# - the pinned toolchain and LAPACK source that rebuild the committed WebAssembly core, for the
#   byte-for-byte rebuild check (wasm/build.sh --prepare; tests/e2e/wasm_generated_test.ts);
# - mesa-vulkan-drivers: Deno's WebGPU finds a (software) adapter, so the webgpu backend is
#   tested even on machines without a GPU;
# - chromium: the dashboard's browser tests (driven by playwright-core; no browser is ever
#   downloaded);
# - python3-onnx: the ONNX project's checker and shape inference, run on the exported models
#   (tests/core/export/onnx_checker_test.ts).
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/../wasm/build.sh" --prepare
need=()
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || need+=(python3-onnx)
# - slurm-wlm, munge: the study tests start a one-node Slurm cluster here
#   (tests/study/slurm_cluster.sh) and run a study on it.
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "test setup: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
