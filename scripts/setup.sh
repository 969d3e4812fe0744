#!/usr/bin/env bash
# Installs whatever is missing, idempotently: Debian packages, npm packages, the mediasoup worker
# (built offline, cached outside the repo) and the web app build. Safe to run before every start/test.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

APT_PACKAGES=(
  chromium ffmpeg coturn postgresql
  # cluster mode (issue 15): Redis carries socket.io events, leases and rate limits between nodes
  redis-server
  # quick replies spoken by the server for door screens without voices (headless, kiosk tablets)
  espeak-ng
  # certutil: the CA e2e trusts the local CA the way a Linux user does (NSS database)
  libnss3-tools
  # interop tests: GStreamer's RTSP server (Digest auth) as an IP camera, webrtcbin as a second WebRTC
  # stack for WHIP/WHEP, both driven from Python through GObject introspection
  python3-gi gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-nice
  gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0
  # mediasoup worker build (offline, against Debian's libraries; libsrtp from Debian's source on OpenSSL)
  meson ninja-build pkg-config build-essential python3
  dpkg-dev libssl-dev libuv1-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler
  # fault injection (issue 16): cameras and viewers in network namespaces, random loss and blackouts with nft,
  # bandwidth caps with tc (iproute2)
  nftables iproute2
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=''
  [ "$(id -u)" -eq 0 ] || SUDO='sudo'
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log 'apt: all packages present'
fi

# npm: reinstall only when the lockfile changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.porchlight-lock
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  log 'npm: npm ci'
  # mediasoup's own postinstall downloads a prebuilt worker (no internet here): allowScripts denies
  # it on npm 11, MEDIASOUP_WORKER_BIN makes older npm skip it too. We build the worker below.
  MEDIASOUP_WORKER_BIN=/nonexistent npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
else
  log 'npm: node_modules up to date'
fi

bash scripts/mediasoup-worker/build.sh

# Person-detection footage (opencv-doc clips and stills) for the detect CLI, tests and benches.
bash scripts/detection-fixtures.sh
