#!/usr/bin/env bash
# The GPU benchmark of the torch backend: torch on CUDA against PyTorch CUDA eager on the same
# GPU and the same torch install, at 64², 128², 256² and 512², 64-frame windows, AE and end
# to end (through the VAR layer), and encode frames/s; one table (tests/bench/torch_step.ts
# --device cuda). About 3–5 minutes on one H200.
#
# What it brings: a GPU machine here has python3 with a CUDA build of torch (2.11, CUDA 13)
# and nothing else the bench needs — no Deno, no npm packages, no network. So the bench
# travels as one executable made on a CPU machine by `deno compile` (Deno, the bench, its npm
# packages and the WASM core), xz-compressed to fit what a device run carries (64 MiB), with
# the PyTorch peer script beside it:
#
#   bash tests/bench/torch_gpu.sh --pack   # on a CPU machine: writes tests/bench/.gpu/
#   bash tests/bench/torch_gpu.sh          # on the GPU machine (carry tests/bench/.gpu)
#
# Without --pack, a `deno` on PATH is used when there is one (a developer's GPU machine).
#
# Expected output (the shape; the numbers are to be measured):
#   torch backend (cuda), default autoencoder, 64-frame windows; end to end with the
#   predicted frames at 8 of 63 steps; encode: 256 frames a call; peer: PyTorch 2.11.0+cu130
#   eager, same device and threads
#   | frames | device | torch AE f/s | torch e2e f/s | AE step / e2e step | PyTorch AE f/s |
#     ours / PyTorch | wasm AE f/s | torch / wasm | encode f/s | PyTorch encode f/s |
#     cpu fallbacks |
#   |  64×64 |   cuda |  … | … | … | … | … | — | — | … | … | none |
#   | 128×128 | cuda | … (rows for 256×256 and 512×512 follow)
# Targets: ours / PyTorch ≥ 0.70× at 128² and 256²; e2e step ≤ 1.3× the AE step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
pack=tests/bench/.gpu
if [ "${1:-}" = "--pack" ]; then
  mkdir -p "$pack"
  deno compile --allow-all --include wasm/dist/sparsedyn_core.wasm \
    --output "$pack/torch_step" tests/bench/torch_step.ts
  xz -T0 -6 -f "$pack/torch_step"
  cp tests/bench/torch_peer.py "$pack/"
  ls -la "$pack"
  exit 0
fi
python3 - <<'EOF'
import torch
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, GPU available: {torch.cuda.is_available()}"
      + (f" ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else ""))
EOF
if [ -f "$pack/torch_step.xz" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  xz -dc "$pack/torch_step.xz" >"$tmp/torch_step"
  chmod +x "$tmp/torch_step"
  "$tmp/torch_step" --device cuda --sizes "${SIZES:-64,128,256,512}" \
    --peer "$pack/torch_peer.py"
else
  deno run --allow-all tests/bench/torch_step.ts --device cuda --sizes "${SIZES:-64,128,256,512}"
fi
