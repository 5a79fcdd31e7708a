#!/usr/bin/env bash
# What the test suite needs beyond the build, from Debian's packages (idempotent):
# Mesa's Vulkan drivers, so that Deno's WebGPU finds a (software) adapter and the webgpu
# backend is tested even on machines without a GPU.
set -euo pipefail
if ! dpkg -s mesa-vulkan-drivers >/dev/null 2>&1; then
  echo "test setup: installing mesa-vulkan-drivers with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq mesa-vulkan-drivers >/dev/null
fi
# Debian's Chromium for the dashboard's browser tests (driven by playwright-core; no browser
# is ever downloaded).
if ! [ -x /usr/bin/chromium ]; then
  echo "test setup: installing chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# Debian's python3-onnx: the ONNX project's checker and shape inference, run on the exported
# models (tests/core/export/onnx_checker_test.ts).
if ! /usr/bin/python3 -c "import onnx" >/dev/null 2>&1; then
  echo "test setup: installing python3-onnx with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-onnx >/dev/null
fi
