import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInit } from '../../../src/recording/media/init.ts';
import { Fmp4Muxer } from '../../../src/recording/mux/Fmp4Muxer.ts';
import { h264AccessUnits, opusPackets } from '../../../src/recording/mux/testSupport.ts';
import { RtpPipeline, rtpTrack } from '../../../src/recording/recorder/RtpPipeline.ts';
import { serializeRtp } from '../../../src/recording/rtp/RtpPacket.ts';
import { packetizeH264 } from '../../../src/recording/rtp/testSupport.ts';
import { fragmentProblems } from './wellFormed.ts';

const run = promisify(execFile);

/**
 * Fuzzed but valid: a real camera's H264 and Opus as RTP with random MTU, start values next to
 * the sequence and timestamp wraps, loss, reordering and one timestamp jump (any size, either
 * way). What the recorder writes must decode in ffmpeg without a single error.
 */
describe('the recorder output of a fuzzed valid stream plays (ffmpeg decode)', () => {
  let dir: string;
  let video: Buffer[][];
  let audio: Buffer[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-bytes-'));
    video = await h264AccessUnits({ width: 160, height: 120, frames: 90, gop: 30 });
    audio = await opusPackets(3);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes with no error, every frame written is decoded', async () => {
    let files = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          mtu: fc.integer({ min: 60, max: 1400 }),
          ts: fc.oneof(fc.constant(2 ** 32 - 30_000), fc.nat({ max: 2 ** 32 - 1 })),
          seq: fc.oneof(fc.constant(0xffe0), fc.nat({ max: 0xffff })),
          loss: fc.array(fc.nat(2000), { maxLength: 4 }),
          swaps: fc.array(fc.nat(2000), { maxLength: 20 }),
          jumpAt: fc.integer({ min: 1, max: 89 }),
          jump: fc.oneof(
            fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
            fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 90_000 * 3600),
          ),
        }),
        async (c) => {
          const v = rtpTrack({ kind: 'video', ssrc: 1, payloadType: 96, clockRate: 90_000 });
          const a = rtpTrack({ kind: 'audio', ssrc: 2, payloadType: 111, clockRate: 48_000 });
          const muxer = new Fmp4Muxer({
            video: { clock: v.clock },
            audio: { clock: a.clock, channels: 2 },
          });
          const pipeline = new RtpPipeline([v, a], muxer);
          const parts: Buffer[] = [];
          const problems: string[] = [];
          let init: ReturnType<typeof parseInit> | undefined;
          const times = new Map<number, number>();
          muxer.on('init', (i) => {
            init = parseInit(i.bytes);
            parts.push(i.bytes);
          });
          muxer.on('segment', (s) => {
            problems.push(...fragmentProblems(s.bytes, init!, times));
            parts.push(s.bytes);
          });
          const packets: { at: number; datagram: Buffer }[] = [];
          let seq = c.seq;
          video.forEach((nals, i) => {
            const jumped = i >= c.jumpAt ? c.jump : 0;
            const ts = (c.ts + i * 3000 + jumped + 2 ** 33) % 2 ** 32;
            for (const p of packetizeH264(nals, ts, c.mtu)) {
              const datagram = serializeRtp({
                ...p,
                payloadType: 96,
                sequenceNumber: seq++ & 0xffff,
                ssrc: 1,
              });
              packets.push({ at: 10_000 + (i * 1000) / 30, datagram });
            }
          });
          audio.forEach((payload, j) => {
            const jumped = j * 20 >= (c.jumpAt * 1000) / 30 ? c.jump : 0;
            const timestamp = (c.ts + j * 960 + jumped + 2 ** 33) % 2 ** 32;
            const datagram = serializeRtp({
              payload,
              marker: false,
              timestamp,
              payloadType: 111,
              sequenceNumber: j,
              ssrc: 2,
            });
            packets.push({ at: 10_000 + j * 20, datagram });
          });
          packets.sort((x, y) => x.at - y.at);
          for (const s of c.swaps) {
            const i = s % (packets.length - 1);
            [packets[i], packets[i + 1]] = [packets[i + 1]!, packets[i]!];
          }
          const lost = new Set(c.loss.map((l) => l % packets.length));
          packets.forEach((p, i) => lost.has(i) || pipeline.push(p.datagram, p.at));
          pipeline.flush();
          expect(problems).toEqual([]);
          if (parts.length < 2) return; // every keyframe lost: nothing written, nothing to play
          const file = path.join(dir, `fuzz-${files++}.mp4`);
          await writeFile(file, Buffer.concat(parts));
          const decoded = await run('ffmpeg', [
            ...['-hide_banner', '-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-'],
            ...['-progress', 'pipe:1'],
          ]);
          expect(decoded.stderr).toBe('');
          const frames = [...decoded.stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
          expect(frames.at(-1)).toBe(v.depacketizer!.stats.frames - muxer.dropped);
        },
      ),
      { seed: 1600, numRuns: 6 },
    );
    expect(files).toBeGreaterThan(3);
  });
});
