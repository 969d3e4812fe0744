#!/usr/bin/env bash
# Benchmarks (not tests): each writes its section into bench/results/latest.json and regenerates
# bench/results/latest.md. Loopback only; bounded in time (fan-out ~4 min, recording ~4 min,
# recording density ~2-3 min, LL-HLS ~3 min, signaling ~1 min, push delivery ~10 s,
# detection speed ~3.5 min, detection accuracy ~5 min, detection latency ~4 min, cluster fan-out ~1.5 min, cluster sites ~2.5 min).
# Each bench also runs alone with options, e.g. `node --import tsx bench/fanout.ts --steps=25,100`
# (see the header comment of each file).
# The full-size fuzz (100,000 socket messages, 20,000 REST requests; pass/fail, ~10 min) is its
# own script: `npm run fuzz` (docs/reliability.md "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."

# 5,000 client sockets here plus 5,000 in the server child; fan-out opens ~2,000 UDP sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export PORCHLIGHT_LOG_LEVEL="${PORCHLIGHT_LOG_LEVEL:-warn}"

run() {
  local file=$1
  shift
  printf '\n=== %s ===\n' "$file"
  local t0=$SECONDS
  node --import tsx "$file" "$@"
  printf '=== %s: %ss ===\n' "$file" "$((SECONDS - t0))"
}

run bench/fanout.ts
run bench/signalingMemory.ts
run bench/joinToFirstFrame.ts
run bench/turn.ts
# Recording: 4 to 48 simulated cameras (ffmpeg -c copy) recorded by the server vs bare ffmpeg,
# segment latency, live HLS in Chromium, 24 h playlist, clip export, storage overhead.
run bench/recording.ts
# Live HLS glass to playback in Chromium: LL-HLS vs plain HLS, alone and beside 16 recordings.
run bench/hlsLatency.ts
# Recording density: 50 to 300 in-process recordings (one RTP source process) vs bare ffmpeg -c copy,
# RSS per stream, playable latency, 100 cameras reconnecting at once (re-runs itself with a larger
# libuv threadpool, as npm start does).
run bench/recordingDensity.ts
# Doorbell: ring -> 10 homeowner sessions notified (20 rings), answer -> first media (20 calls).
run bench/doorbellRing.ts
# Doorbell Web Push: ring -> push accepted by a local HTTPS push receiver, 10 devices x 25 rings.
run bench/pushDelivery.ts
# Person detection accuracy: the detect CLI over the opencv-doc fixtures (~5 min of headless
# Chromium), then filters/tracking/events at the default settings vs bench/detection/groundTruth.json.
run bench/detection.ts --sweep
# Person detector: ms/frame of CenterNet-512 (wasm SIMD vs plain wasm, whole frame vs motion
# gating + crops) on vtest.avi in headless Chromium, browser CPU on a still scene, detections/s on a
# 720p fake camera while it is encoded (~2.5 min).
run bench/detectionSpeed.ts
# Detection events: start -> 10 sockets, text and image pushes on loopback (prints its table).
run bench/detectionEvents.ts
# Person appears -> event stored -> app told -> push sent, with the real model on a camera page
# looping an empty street and pedestrians (12 appearances, ~4 min; prints its table).
run bench/detectionLatency.ts
# SDK bundle sizes (browser core, REST, React; raw and gzip; ~10 s).
run bench/sdkSize.ts
# WHIP publish -> first frame at a viewer vs the app's socket publish (Node + wrtc, ~1 min).
run bench/whipFirstFrame.ts
# RTSP cameras (GStreamer RTSP server): create -> online -> first segment; CPU per camera vs a bare
# ffmpeg -c copy pull (~2 min).
run bench/rtspIngest.ts
# Webhooks: domain event -> signed delivery received vs a bare HTTPS POST (200 deliveries, ~10 s).
run bench/webhookDelivery.ts
# Cluster signaling: socket.io notifications across nodes through Redis vs one node (50 sockets,
# ~30 s); kill -9 of a node with 20 SDK clients: rejoin on the survivor and the directory (~1 min).
run bench/clusterSignaling.ts
# Cluster: one camera fanned out to viewers on 3 in-process nodes (pipe transports) vs all on the
# camera's node: time to first frame (local, pipe opened by the watch, pipe open), worker CPU per node (~1.5 min).
run bench/clusterFanout.ts
# Cluster sizing and failover, 3 node processes, 100 sites with one lightweight camera each:
# Redis commands/s and PostgreSQL xact/s per 1,000 idle cameras (20 s windows); kill -9 of the
# cameras' node: p50/p95/max until each camera published again on a survivor and its viewers on
# both survivors were told (~2.5 min).
run bench/clusterSites.ts

printf '\n'
cat bench/results/latest.md
