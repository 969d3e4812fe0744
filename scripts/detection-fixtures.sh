#!/usr/bin/env bash
# Footage for person detection (docs/detection.md): clips and stills from Debian's opencv-doc,
# extracted without installing it into the cache outside the repo (never committed: ~10 MB).
# Which of them show people is committed in tests/fixtures/detection/labels.json. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${PORCHLIGHT_CACHE:-$HOME/.cache/porchlight}"
DEST="$CACHE/opencv-doc"
FILES=(vtest.avi tree.avi basketball1.png messi5.jpg fruits.jpg building.jpg home.jpg)

complete=1
for f in "${FILES[@]}"; do [ -s "$DEST/$f" ] || complete=0; done
if ((complete)); then
  printf '[setup] detection fixtures: present in %s\n' "$DEST"
  exit 0
fi

printf '[setup] detection fixtures: extracting opencv-doc into %s\n' "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq opencv-doc >/dev/null 2>&1) || {
  [ "$(id -u)" -eq 0 ] && apt-get update -qq
  (cd "$work" && apt-get download -qq opencv-doc >/dev/null)
}
dpkg-deb -x "$work"/opencv-doc_*.deb "$work/x"
mkdir -p "$DEST"
for f in "${FILES[@]}"; do
  cp "$work/x/usr/share/doc/opencv-doc/examples/data/$f" "$DEST/$f.tmp"
  mv "$DEST/$f.tmp" "$DEST/$f"
done
