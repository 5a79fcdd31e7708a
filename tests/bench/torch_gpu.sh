#!/usr/bin/env bash
# The GPU benchmark of the torch backend: torch on CUDA against PyTorch CUDA eager on the same
# GPU and the same torch install, at 64², 128², 256² and 512², 64-frame windows, AE and end
# to end (through the VAR layer), and encode frames/s; one table (tests/bench/torch_step.ts
# --device cuda). About 3–5 minutes on one H200.
#
# What it brings: a GPU machine here has python3 with a CUDA build of torch (2.11, CUDA 13)
# and nothing else the bench needs — no Deno, no npm packages, no network. So --pack, on a
# CPU machine, writes tests/bench/.gpu/ (git-ignored, about 35 MB, under the 64 MiB a device
# run carries): this Deno's binary xz-compressed (31 MB), the bench bundled with its npm
# packages by `deno bundle` (4 MB; `deno compile` would fetch a runtime from outside), the
# WASM core beside it (dist/, where the bundle looks), and the PyTorch peer script:
#
#   bash tests/bench/torch_gpu.sh --pack   # on a CPU machine
#   bash tests/bench/torch_gpu.sh          # on the GPU machine (carry tests/bench/.gpu)
#
# Without --pack, a `deno` on PATH is used when there is one (a developer's GPU machine).
#
# Expected output (the shape; the numbers are to be measured):
#   torch backend (cuda), default autoencoder, 64-frame windows; end to end with the
#   predicted frames at 8 of 63 steps; encode: 256 frames a call; peer: PyTorch 2.11.0+cu130
#   eager, same device and threads
#   | frames | device | torch AE f/s | torch e2e f/s | e2e step / AE step | PyTorch AE f/s |
#     ours / PyTorch | wasm AE f/s | torch / wasm | encode f/s | PyTorch encode f/s |
#     cpu fallbacks |
#   |  64×64 |   cuda |  … | … | … | … | … | — | — | … | … | none |
#   | 128×128 | cuda | … (rows for 256×256 and 512×512 follow)
# Targets: ours / PyTorch ≥ 0.70× at 128² and 256²; e2e step ≤ 1.3× the AE step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
pack=tests/bench/.gpu
if [ "${1:-}" = "--pack" ]; then
  mkdir -p "$pack/dist"
  deno bundle --platform deno -o "$pack/torch_step.js" tests/bench/torch_step.ts
  cp wasm/dist/sparsedyn_core.wasm "$pack/dist/"
  cp tests/bench/torch_peer.py "$pack/"
  xz -T0 -6 -c "$(command -v deno)" >"$pack/deno.xz"
  ls -la "$pack"
  exit 0
fi
python3 - <<'EOF'
import torch
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, GPU available: {torch.cuda.is_available()}"
      + (f" ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else ""))
EOF
if [ -f "$pack/deno.xz" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  xz -dc "$pack/deno.xz" >"$tmp/deno"
  chmod +x "$tmp/deno"
  DENO_NO_UPDATE_CHECK=1 "$tmp/deno" run --allow-all --no-config "$pack/torch_step.js" \
    --device cuda --sizes "${SIZES:-64,128,256,512}" --peer "$pack/torch_peer.py"
else
  deno run --allow-all tests/bench/torch_step.ts --device cuda --sizes "${SIZES:-64,128,256,512}"
fi
