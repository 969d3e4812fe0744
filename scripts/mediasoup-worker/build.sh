#!/usr/bin/env bash
# Build node_modules/mediasoup/worker/out/Release/mediasoup-worker offline,
# against Debian 12 system libraries, and cache the stripped binary.
#
# Why: mediasoup's own postinstall pip-installs meson/ninja and downloads every
# dependency through meson wraps, which cannot work offline. Here the wraps are
# swapped for tiny local subprojects (./subprojects) that point at Debian's
# -dev packages, with a libsrtp3->libsrtp2 API shim (./srtp.h). libsrtp itself
# is a static libsrtp2 on OpenSSL built from Debian's source (./libsrtp.sh):
# Debian's binary libsrtp2 uses NSS and made SRTP ~2.7x the cost of plain RTP.
#
# Usage: scripts/mediasoup-worker/build.sh [--force]   (--force ignores cache)
# Env:   PORCHLIGHT_CACHE (default ~/.cache/porchlight), MEDIASOUP_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MS_DIR=${MEDIASOUP_DIR:-$ROOT/node_modules/mediasoup}
DEST=$MS_DIR/worker/out/Release/mediasoup-worker
FORCE=0; [[ ${1:-} == --force ]] && FORCE=1

# dpkg-dev: dpkg-source, which `apt-get source` (libsrtp.sh) needs.
APT_DEPS=(meson ninja-build pkg-config build-essential dpkg-dev python3 libssl-dev
  libuv1-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler)

log() { printf '[mediasoup-worker] %s\n' "$*"; }
die() { printf '[mediasoup-worker] ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. apt deps (-dev packages also pull in the runtime .so files) ----------
missing_deps() {
  local p
  for p in "${APT_DEPS[@]}"; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || echo "$p"
  done
}
missing=$(missing_deps)
if [[ -z $missing ]]; then
  log "deps: all ${#APT_DEPS[@]} apt packages present"
else
  SUDO=; [[ $EUID -ne 0 ]] && SUDO=sudo
  # Another apt run may hold the locks: Lock::Timeout makes apt wait for the
  # dpkg lock; the loop covers `update`, which may not honour it.
  apt_get() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=900 "$@"; }
  log "deps: installing" $missing
  if ! apt_get install -y --no-install-recommends $missing >/dev/null; then
    for i in {1..30}; do apt_get update >/dev/null && break; sleep 10; done
    apt_get install -y --no-install-recommends $(missing_deps) >/dev/null
  fi
  [[ -z $(missing_deps) ]] || die "apt packages still missing: $(missing_deps | tr '\n' ' ')"
fi

# --- 2. cache -----------------------------------------------------------------
[[ -f $MS_DIR/package.json ]] || die "mediasoup not found at $MS_DIR"
MS_VERSION=$(node -p "require(process.argv[1]).version" "$MS_DIR/package.json")
# The recipe's hash (this script, srtp.h, libsrtp.sh, subprojects/) is part of
# the key, so any change to it rebuilds and stale binaries are never reused.
# Distro and arch too: the binary links dynamically to Debian's libraries.
RECIPE_HASH=$(cd "$HERE" && find . -type f -not -name '*.md' | LC_ALL=C sort |
  xargs sha256sum | sha256sum | cut -c1-12)
KEY=$MS_VERSION-$RECIPE_HASH-$(. /etc/os-release && echo "$ID$VERSION_ID")-$(uname -m)
CACHE_DIR=${PORCHLIGHT_CACHE:-$HOME/.cache/porchlight}/mediasoup-worker/$KEY
CACHE_BIN=$CACHE_DIR/mediasoup-worker
mkdir -p "$CACHE_DIR"
# Serialise concurrent runs (parallel installs): the loser then hits the cache.
exec 9>"$CACHE_DIR/.lock"
flock 9

install_bin() {
  if [[ -f $DEST ]] && cmp -s "$CACHE_BIN" "$DEST"; then
    log "install: $DEST already up to date"
    return
  fi
  mkdir -p "$(dirname "$DEST")"
  # cp to a temp name + mv: overwriting a running worker in place fails with
  # ETXTBSY, and a half-copied binary must never be visible.
  cp "$CACHE_BIN" "$DEST.tmp.$$"
  chmod +x "$DEST.tmp.$$"
  mv -f "$DEST.tmp.$$" "$DEST"
  log "install: $DEST ($(du -h "$DEST" | cut -f1))"
}

if [[ $FORCE -eq 0 && -x $CACHE_BIN ]]; then
  log "cache: hit $KEY"
  install_bin
  exit 0
fi
log "cache: miss $KEY, building mediasoup $MS_VERSION from source"

# --- 3. libsrtp (cached on its own) + a private copy of the worker sources -----
SRTP_PREFIX=$(bash "$HERE/libsrtp.sh") || die "libsrtp build failed"
BUILD_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")
# Clean up on success; keep sources + logs for inspection on failure.
trap 'if [[ $? -eq 0 ]]; then rm -rf "$BUILD_ROOT"; else log "build dir kept: $BUILD_ROOT"; fi' EXIT
W=$BUILD_ROOT/worker
cp -a "$MS_DIR/worker" "$W"
rm -rf "$W/out"

# Patch with sed but refuse to continue if the expected text moved: a silently
# skipped patch would produce a worker that crashes or misbehaves later.
patch_src() { # file, literal-before, sed-expr, literal-after
  grep -qF -- "$2" "$1" || die "patch: '$2' not found in ${1#$W/} (mediasoup changed; update build.sh)"
  sed -i -e "$3" "$1"
  grep -qF -- "$4" "$1" || die "patch: failed to apply to ${1#$W/}"
}
# Debian 12 ships meson 1.0.1; the worker builds fine with it.
patch_src "$W/meson.build" "meson_version: '>=" \
  "s/meson_version: '>= [0-9.]*'/meson_version: '>= 1.0.0'/" "meson_version: '>= 1.0.0'"
# Debian's OpenSSL has kTLS: the BIO callback must only return `ret` when the
# BIO_CB_RETURN *bit* is set; comparing with == answers 1 to
# BIO_CTRL_GET_KTLS_SEND and the worker SIGSEGVs on the first DTLS ClientHello.
patch_src "$W/src/RTC/DtlsTransport.cpp" "(operationType == BIO_CB_RETURN)" \
  "s/(operationType == BIO_CB_RETURN)/(operationType \& BIO_CB_RETURN)/" \
  "(operationType & BIO_CB_RETURN)"
grep -qF "(operationType == BIO_CB_RETURN)" "$W/src/RTC/DtlsTransport.cpp" &&
  die "patch: DtlsTransport.cpp still has an unpatched BIO_CB_RETURN comparison"

# Replace the download wraps with local subprojects backed by Debian packages.
rm -f "$W"/subprojects/*.wrap
cp -r "$HERE/subprojects/." "$W/subprojects/"
for d in "$W"/subprojects/*/; do : >"$d/stub.c"; done # sources for the *_lib stubs
mkdir -p "$W/subprojects/libsrtp3/include"
cp "$HERE/srtp.h" "$W/subprojects/libsrtp3/include/srtp.h"

# --- 4. configure + build -------------------------------------------------------
t0=$SECONDS
# liburing disabled: Debian's liburing lacks calls the worker uses.
meson setup "$W/build" "$W" --buildtype=release -Db_ndebug=true \
  -Dms_disable_liburing=true -Dlibsrtp3:srtp_prefix="$SRTP_PREFIX" --wrap-mode=nodownload >"$BUILD_ROOT/setup.log" 2>&1 ||
  { tail -n 40 "$BUILD_ROOT/setup.log" >&2; die "meson setup failed"; }
log "configure: ok ($((SECONDS - t0))s)"

t0=$SECONDS
# FBS headers first (meson target 'flatbuffers-generator', ninja output
# fbs/FBS): the C++ sources include them without depending on that target, so
# a parallel build could race the generator.
{ ninja -C "$W/build" fbs/FBS &&
  ninja -C "$W/build" -j"$(nproc)" mediasoup-worker; } >"$BUILD_ROOT/build.log" 2>&1 ||
  { grep -E -m 20 'error|FAILED' "$BUILD_ROOT/build.log" >&2 || true; tail -n 20 "$BUILD_ROOT/build.log" >&2
    die "ninja build failed"; }
log "compile: ok ($((SECONDS - t0))s, $(nproc) jobs)"

# --- 5. check, strip, cache atomically, install ---------------------------------
# libsrtp must be the static OpenSSL build: no libsrtp2.so, hence no NSS.
if ldd "$W/build/mediasoup-worker" | grep -E 'libsrtp|libnss3' >&2; then
  die "worker links a shared libsrtp/NSS (see above); expected the static OpenSSL libsrtp"
fi
strip "$W/build/mediasoup-worker"
cp "$W/build/mediasoup-worker" "$CACHE_BIN.tmp.$$"
chmod +x "$CACHE_BIN.tmp.$$"
mv -f "$CACHE_BIN.tmp.$$" "$CACHE_BIN"
log "cache: stored $CACHE_BIN ($(du -h "$CACHE_BIN" | cut -f1))"
install_bin
