#!/usr/bin/env bash
# Regenerates wasm/sparsedyn_core.generated.ts, the committed WebAssembly core that
# wasm/mod.ts imports: our C core (wasm/src, wasm/shim) linked with reference LAPACK 3.11 /
# BLAS routines from Debian's `lapack` source package, translated by f2c and compiled by
# Debian's emscripten, then written out as base64 in a TypeScript module.
#
# Users never run this: the generated module is committed, so a clone or a URL import works
# with no toolchain. Run it after changing wasm/src or wasm/shim, and commit the result;
# `bash wasm/check_generated.sh` (part of the test suite) rebuilds it from source and fails
# unless the result is byte-identical.
#
#   bash wasm/build.sh                        # regenerate wasm/sparsedyn_core.generated.ts
#   bash wasm/build.sh --prepare              # only install the toolchain and fetch LAPACK
#   bash wasm/build.sh --out FILE --work DIR  # write FILE, building in DIR (the check's use)
#
# Byte-identical rebuilds need the same toolchain: the versions below are pinned, installed
# with apt-get (as root) when missing, and a different installed version is refused.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/sparsedyn_core.generated.ts"
work="$here/.build"
prepare_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --prepare) prepare_only=1; shift ;;
    *) echo "build:wasm: unknown argument \"$1\" (expected --out FILE, --work DIR or --prepare)" >&2; exit 2 ;;
  esac
done

# The toolchain the committed module is built with (Debian 12 "bookworm" packages).
pinned=(
  emscripten=3.1.6~dfsg-5
  clang-14=1:14.0.6-12
  lld-14=1:14.0.6-12
  llvm-14=1:14.0.6-12
  binaryen=108-1
  f2c=20200916-1
  libf2c2-dev=20140711-1
  dpkg-dev
)
# Reference LAPACK, Debian's source package; the upstream tarball is checked by its SHA-256.
lapack_version=3.11.0
lapack_debian=3.11.0-2
lapack_orig_sha256=4b9ba79bfd4921ca820e83979db76ab3363155709444a787979e81c22285ffa9
lapack_debian_sha256=36825c7cb768267fe7d322145a4160d4e564a21730b16d78a59090102cc35dfd

# The installed version, or nothing (not installed, or only its configuration files left).
installed_version() {
  dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null | sed -n 's/^ii *//p' || true
}

need=()
wrong=()
for p in "${pinned[@]}"; do
  name=${p%%=*}
  want=${p#*=}
  [ "$want" = "$p" ] && want=""
  have=$(installed_version "$name")
  if [ -z "$have" ]; then
    need+=("$p")
  elif [ -n "$want" ] && [ "$have" != "$want" ]; then
    wrong+=("$name $have (pinned: $want)")
  fi
done
if [ ${#wrong[@]} -gt 0 ]; then
  printf 'build:wasm: the core is built with pinned toolchain versions, and these differ:\n' >&2
  printf '  %s\n' "${wrong[@]}" >&2
  echo "build:wasm: install the pinned versions (apt-get install NAME=VERSION) to rebuild it" >&2
  exit 1
fi
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "build:wasm: the core is built with Debian 12's packages ${need[*]}; install them (apt-get, as root)" >&2
    exit 1
  fi
  echo "build:wasm: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The LAPACK source is fetched once into wasm/.build, whatever --work says (the check reuses it).
srcroot="$here/.build"
src="$srcroot/lapack-$lapack_version"
mkdir -p "$srcroot"
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
  (cd "$srcroot" && apt-get source -qq "lapack=$lapack_debian" >/dev/null 2>&1) || {
    echo "build:wasm: cannot fetch Debian's lapack $lapack_debian source (apt-get source lapack=$lapack_debian)" >&2
    exit 1
  }
  [ -d "$src/SRC" ] || { echo "build:wasm: lapack $lapack_version source not found in $srcroot" >&2; exit 1; }
fi
for t in "lapack_$lapack_version.orig.tar.gz $lapack_orig_sha256" \
  "lapack_$lapack_debian.debian.tar.xz $lapack_debian_sha256"; do
  f="$srcroot/${t%% *}"
  if [ ! -f "$f" ] || [ "$(sha256sum "$f" | cut -d' ' -f1)" != "${t#* }" ]; then
    echo "build:wasm: $f is missing or not the pinned one (SHA-256 ${t#* }); remove $src to fetch it again" >&2
    exit 1
  fi
done
[ "$prepare_only" = 1 ] && exit 0

# The routines our core calls, and what they call in turn.
blas=(ddot daxpy dcopy dscal drot dgemv dger dgemm dtrmv dtrsv dtrsm dsyrk lsame)
lapack=(dpotrf dpotrf2 dpotrs dtrtrs)
f2cdir="$work/f2c"
mkdir -p "$f2cdir"
for r in "${blas[@]}"; do
  f="$src/BLAS/SRC/$r.f"; [ -f "$f" ] || f="$src/SRC/$r.f"
  [ "$f2cdir/$r.c" -nt "$f" ] || (cd "$f2cdir" && cp "$f" "$r.f" && f2c -a -A -R -w "$r.f" >/dev/null 2>&1)
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
# Always a full link (a few seconds): a skip on unchanged inputs would keep a hand-edited output.
wasm="$work/sparsedyn_core.wasm"
exports=$(grep -ho 'SD_EXPORT [a-z_ ]*\bsd_[a-z0-9_]*' "$here"/src/*.c | awk '{print "\"_"$NF"\""}' | sort -u | paste -sd, -)
tmp="$work/.partial-$$.wasm"
# -msimd128: the BLAS loops vectorise to f64x2. -mbulk-memory: memset/memcpy become
# memory.fill/copy (measured: 4% faster paths). Both are supported by every V8 that Deno ships.
# -flto: lets the BLAS calls inline with their constant arguments (measured: 3% faster).
# -g0 and the prefix maps: no debug information, and no build folder's path in the module,
# so that a rebuild anywhere gives the same bytes.
emcc -O3 -g0 -flto -msimd128 -mbulk-memory -mnontrapping-fptoint -std=c99 -Wno-everything \
  -ffile-prefix-map="$here"=wasm -ffile-prefix-map="$work"=build \
  -I"$f2cdir" -I"$here/src" \
  "${sources[@]}" -o "$tmp" --no-entry -sSTANDALONE_WASM=1 -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=4GB -sFILESYSTEM=0 \
  -sEXPORTED_FUNCTIONS="[$exports,\"_malloc\",\"_free\"]"
mv "$tmp" "$wasm"

# The generated module: nothing in it depends on where or when it was built.
{
  echo "// deno-fmt-ignore-file"
  echo "// deno-lint-ignore-file"
  echo "// Generated by wasm/build.sh; do not edit. \`bash wasm/check_generated.sh\` rebuilds it from"
  echo "// wasm/src, wasm/shim and reference LAPACK $lapack_version (Debian lapack $lapack_debian) and fails"
  echo "// unless the result is byte-identical. Built with Debian's packages:"
  for p in "${pinned[@]}"; do [ "${p#*=}" != "$p" ] && echo "//   ${p%%=*} ${p#*=}"; done
  echo "// WebAssembly module: $(stat -c %s "$wasm") bytes, SHA-256 $(sha256sum "$wasm" | cut -d' ' -f1)."
  echo ""
  echo "/** The core's WebAssembly module, base64-encoded (decoded and instantiated by wasm/mod.ts). */"
  printf 'export const CORE_WASM_BASE64: string =\n  "%s";\n' "$(base64 -w0 "$wasm")"
} > "$out.partial-$$"
mv "$out.partial-$$" "$out"
echo "build:wasm: wrote $out ($(stat -c %s "$wasm") bytes of WebAssembly)" >&2
