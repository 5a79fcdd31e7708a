#!/usr/bin/env bash
# Rebuilds the WebAssembly core from source in a temporary folder and fails unless the result
# is byte-identical to the committed wasm/sparsedyn_core.generated.ts (or to FILE), naming what
# differs. The test suite runs it (tests/e2e/wasm_generated_test.ts), so a change to wasm/src
# or wasm/shim without a regenerated module, or a module that its source does not give, fails CI.
#
#   bash wasm/check_generated.sh          # check the committed module
#   bash wasm/check_generated.sh FILE     # check FILE instead
#
# Needs the pinned toolchain (wasm/build.sh installs it with apt-get when run as root).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
committed=${1:-"$here/sparsedyn_core.generated.ts"}
if [ ! -f "$committed" ]; then
  echo "check:wasm: $committed does not exist (generate it with: bash wasm/build.sh)" >&2
  exit 1
fi
tmp=$(mktemp -d -t sparsedyn-wasm-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bash "$here/build.sh" --out "$tmp/rebuilt.generated.ts" --work "$tmp/work"
rebuilt="$tmp/rebuilt.generated.ts"
if cmp -s "$committed" "$rebuilt"; then
  echo "check:wasm: $committed is byte-identical to a rebuild from source" >&2
  exit 0
fi

# Say what differs: the WebAssembly itself, or only the text around it.
decode() { sed -n 's/^  "\([A-Za-z0-9+\/=]*\)";$/\1/p' "$1" | base64 -d 2>/dev/null || true; }
decode "$committed" > "$tmp/committed.wasm"
decode "$rebuilt" > "$tmp/rebuilt.wasm"
describe() { echo "$(stat -c %s "$1") bytes, SHA-256 $(sha256sum "$1" | cut -d' ' -f1)"; }
{
  echo "check:wasm: $committed differs from a rebuild from source:"
  if cmp -s "$tmp/committed.wasm" "$tmp/rebuilt.wasm"; then
    echo "  the WebAssembly is the same; the text around it differs:"
    diff "$committed" "$rebuilt" | cut -c1-160 | head -n 20 | sed 's/^/    /' || true
  else
    echo "  committed WebAssembly: $(describe "$tmp/committed.wasm")"
    echo "  rebuilt WebAssembly:   $(describe "$tmp/rebuilt.wasm")"
    first=$(cmp "$tmp/committed.wasm" "$tmp/rebuilt.wasm" 2>&1 | head -n 1 || true)
    case "$first" in
      *"differ: byte "*) first="at byte ${first#*differ: byte }"; first=${first%%,*} ;;
      *EOF*committed.wasm*) first="the committed module is shorter" ;;
      *EOF*rebuilt.wasm*) first="the rebuilt module is shorter" ;;
    esac
    echo "  first difference: $first"
  fi
  echo "  regenerate it with: bash wasm/build.sh (and commit wasm/sparsedyn_core.generated.ts)"
} >&2
exit 1
