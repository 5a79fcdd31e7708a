#!/usr/bin/env bash
# Runs the whole test suite (called by `deno task test`, after the build and tests/setup.sh).
#
# Why a script: on a machine without a GPU, Deno's WebGPU enumerates every Vulkan driver
# Mesa installs (intel, radeon, lavapipe). Several of them link their own LLVM, and tearing
# them all down at exit sometimes aborts the process with "double free or corruption" after
# every test has passed (about 1 run in 10 here, and it reached CI). There is no GPU for the
# hardware drivers to find, so we point the Vulkan loader at lavapipe alone; with a GPU
# (a DRM render node or an NVIDIA device) the loader keeps its own choice.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lavapipe=$(compgen -G "/usr/share/vulkan/icd.d/lvp_icd.*.json" | head -n 1 || true)
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -n "$lavapipe" ] &&
  ! compgen -G "/dev/dri/renderD*" >/dev/null && ! [ -e /dev/nvidia0 ]; then
  export VK_ICD_FILENAMES="$lavapipe"
fi
# Mesa's Vulkan drivers (WebGPU's software adapter) print "XDG_RUNTIME_DIR is invalid or not
# set" on every adapter request when there is no login session (CI, containers): give the
# tests a private runtime folder, as a session would, and remove it afterwards.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR=$(mktemp -d -t sparsedyn-runtime-XXXXXX)
  export XDG_RUNTIME_DIR
  trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
fi
deno test --allow-all --doc --parallel tests/ core/ wasm/ cli/ server/ mod.ts "$@"
