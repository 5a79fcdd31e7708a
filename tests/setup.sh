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
# And, from pip, torch (the CPU build, pinned) for the `torch` backend's tests, into the
# python3 that the backend asks where torch is (core/model/torch/find_torch.ts). A python3 that
# Debian manages refuses pip installs (PEP 668) unless told --break-system-packages; a venv
# would need SPARSEDYN_TORCH set in every test process, so we install where python3 looks and
# let pip's own constraints keep Debian's packages intact (torch brings no Debian package's
# dependency). Our machines' pip finds it in a local wheelhouse (pip config list); elsewhere
# it comes from PyPI.
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

TORCH_VERSION=2.13.0
if ! python3 -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" \
  >/dev/null 2>&1; then
  echo "test setup: installing torch $TORCH_VERSION (CPU build) with pip" >&2
  pip_args=(install --quiet "torch==$TORCH_VERSION")
  # Debian's python3 (externally managed) needs the flag; a pyenv or venv python3 does not.
  if python3 -c "import sys, sysconfig, os; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['stdlib'], 'EXTERNALLY-MANAGED')))"; then
    pip_args+=(--break-system-packages)
  fi
  # From the index pip is configured with (on our machines a local wheelhouse holding the CPU
  # build; elsewhere PyPI). torch==X matches X+cpu: a local version label does not count.
  python3 -m pip "${pip_args[@]}"
fi
