#!/usr/bin/env bash
# Build a static, PIC libsrtp2 on OpenSSL from Debian's source package, cache it,
# and print the install prefix (include/srtp2/*.h, lib/libsrtp2.a) on stdout.
#
# Why: Debian's binary libsrtp2 is built on NSS, whose per-packet HMAC/AES
# context setup made an SRTP consumer cost ~2.7x a plain-RTP one in the worker.
# mediasoup upstream links libsrtp with OpenSSL (AES-NI, cheap HMAC contexts).
#
# The source comes from apt (`apt-get source`, signature-checked against the
# signed Sources index) through a PRIVATE apt configuration: a deb-src list and
# index lists that live in the build dir, so the machine's apt setup is never
# changed. Debian's patches are applied by dpkg-source. libsrtp's own test
# drivers (cipher/kernel/srtp vectors) run against the OpenSSL backend before
# the result is cached.
#
# Usage: scripts/mediasoup-worker/libsrtp.sh [--force]
# Env:   PORCHLIGHT_CACHE (default ~/.cache/porchlight),
#        PORCHLIGHT_DEBIAN_MIRROR (default http://deb.debian.org).
# Logs go to stderr; only the prefix goes to stdout.
set -euo pipefail


FORCE=0; [[ ${1:-} == --force ]] && FORCE=1
log() { printf '[libsrtp] %s\n' "$*" >&2; }
die() { printf '[libsrtp] ERROR: %s\n' "$*" >&2; exit 1; }

# The key is computable offline, so a cache hit never touches the network.
. /etc/os-release
# This script's own hash is in it, so any change to the recipe rebuilds.
RECIPE_HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
KEY=openssl-$RECIPE_HASH-$ID$VERSION_ID-$(uname -m)
PREFIX=${PORCHLIGHT_CACHE:-$HOME/.cache/porchlight}/libsrtp/$KEY
DONE=$PREFIX/.complete # written last: a half-built prefix is never used
mkdir -p "$(dirname "$PREFIX")"
exec 8>"$PREFIX.lock"
flock 8

if [[ $FORCE -eq 0 && -f $DONE ]]; then
  log "cache: hit $KEY ($(cat "$DONE"))"
  echo "$PREFIX"
  exit 0
fi
log "cache: miss $KEY, building libsrtp2 from Debian source with OpenSSL"
rm -rf "$PREFIX"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/libsrtp-build.XXXXXX")
trap 'if [[ $? -eq 0 ]]; then rm -rf "$WORK"; else log "build dir kept: $WORK"; fi' EXIT

# --- 1. source via a private apt config ----------------------------------------
MIRROR=${PORCHLIGHT_DEBIAN_MIRROR:-http://deb.debian.org}
CODENAME=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
cat >"$WORK/deb-src.sources" <<EOF
Types: deb-src
URIs: $MIRROR/debian
Suites: $CODENAME $CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $MIRROR/debian-security
Suites: $CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial"
APT_OPTS=(-q -o "Dir::Etc::SourceList=$WORK/deb-src.sources" -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache=$WORK/cache"
  # root cannot hand files in a mktemp dir to the _apt sandbox user; skip the warning
  -o APT::Sandbox::User="$(id -un)")
t0=$SECONDS
ok=0
for i in 1 2 3; do
  apt-get "${APT_OPTS[@]}" update >"$WORK/apt.log" 2>&1 && { ok=1; break; }
  log "apt-get update (deb-src) failed, retry $i"; sleep $((5 * i))
done
[[ $ok -eq 1 ]] || { tail -n 20 "$WORK/apt.log" >&2; die "cannot fetch the deb-src index from $MIRROR"; }
(cd "$WORK" && apt-get "${APT_OPTS[@]}" source libsrtp2 >>"$WORK/apt.log" 2>&1) ||
  { tail -n 20 "$WORK/apt.log" >&2; die "apt-get source libsrtp2 failed"; }
DSC=$(ls "$WORK"/libsrtp2_*.dsc)
DEB_VERSION=$(sed -n 's/^Version: //p' "$DSC")
SRC=$(find "$WORK" -maxdepth 1 -type d -name 'libsrtp2-*' | head -n 1)
# srtp.h (the libsrtp3 shim) is written against the libsrtp 2.x API.
[[ $DEB_VERSION == 2.* && -n $SRC ]] || die "unexpected libsrtp2 source version '$DEB_VERSION'"
log "source: libsrtp2 $DEB_VERSION ($((SECONDS - t0))s)"

# --- 2. build, test, install ---------------------------------------------------
t0=$SECONDS
# static + PIC: linked into the worker, no runtime libsrtp2 needed. KDF stays
# libsrtp's own, as in mediasoup's wrap (crypto-library-kdf=disabled).
meson setup "$WORK/build" "$SRC" --buildtype=release -Db_ndebug=true --prefix="$PREFIX" --libdir=lib \
  -Ddefault_library=static -Db_staticpic=true -Dcrypto-library=openssl -Dcrypto-library-kdf=disabled \
  -Dtests=enabled -Dpcap-tests=disabled -Ddoc=disabled --wrap-mode=nodownload >"$WORK/build.log" 2>&1 &&
  ninja -C "$WORK/build" >>"$WORK/build.log" 2>&1 ||
  { tail -n 30 "$WORK/build.log" >&2; die "libsrtp build failed"; }
# The fast drivers: AES-CM/GCM and HMAC test vectors through the OpenSSL
# backend, and SRTP/SRTCP round trips. (rtpw_* are slow socket demos.)
meson test -C "$WORK/build" --no-rebuild cipher_driver datatypes_driver kernel_driver srtp_driver \
  replay_driver rdbx_driver test_srtp >>"$WORK/build.log" 2>&1 ||
  { tail -n 30 "$WORK/build.log" >&2; die "libsrtp self-tests failed"; }
ninja -C "$WORK/build" install >>"$WORK/build.log" 2>&1 || die "libsrtp install failed"
[[ -f $PREFIX/lib/libsrtp2.a && -f $PREFIX/include/srtp2/srtp.h ]] || die "install incomplete in $PREFIX"
# Guard against a silent fallback to another crypto backend.
# (grep without -q: an early exit would SIGPIPE nm and fail the pipeline)
nm "$PREFIX/lib/libsrtp2.a" 2>/dev/null | grep ' U EVP_EncryptInit_ex' >/dev/null ||
  die "libsrtp2.a does not use OpenSSL"
echo "libsrtp2 $DEB_VERSION openssl" >"$DONE"
log "build: ok, self-tests passed ($((SECONDS - t0))s) -> $PREFIX"
echo "$PREFIX"
