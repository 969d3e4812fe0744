import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSample, replaceAvcC } from './avcInit.ts';
import { childBoxes, children, findPath } from './boxes.ts';
import { Fmp4Error, parseFragment, parseInit } from './fmp4.ts';
import {
  NAL_PPS,
  NAL_SPS,
  buildAvcC,
  parseAvcC,
  parseSps,
  sampleNalUnits,
  unescapeRbsp,
} from './h264.ts';
import { FRAGMENTED, ffprobe, tempDir, type TempDir } from './testSupport.ts';

const run = promisify(execFile);

/** An x264 encode remuxed by ffmpeg (`-c copy`, as the recorder does) into fragmented MP4. */
async function encode(
  dir: TempDir,
  o: { size: string; profile: string; pixFmt?: string },
): Promise<{ fmp4: Buffer; file: string }> {
  const annexB = await dir.file(`${o.size}-${o.profile}.h264`, Buffer.alloc(0));
  const input = ['-f', 'lavfi', '-i', `testsrc2=size=${o.size}:rate=30`, '-t', '1'];
  const x264 = ['-c:v', 'libx264', '-profile:v', o.profile, '-pix_fmt', o.pixFmt ?? 'yuv420p'];
  await run('ffmpeg', ['-v', 'error', '-y', ...input, ...x264, '-f', 'h264', annexB]);
  const remux = ['-v', 'error', '-f', 'h264', '-framerate', '30', '-i', annexB, '-c', 'copy'];
  const { stdout } = await run('ffmpeg', [...remux, ...FRAGMENTED], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { fmp4: stdout, file: await dir.file(`${o.size}-${o.profile}.mp4`, stdout) };
}

/** The avcC payload ffmpeg wrote into the init segment. */
function ffmpegAvcC(fmp4: Buffer): Buffer {
  const moov = childBoxes(fmp4, 0, fmp4.length).find((b) => b.type === 'moov')!;
  const trak = children(fmp4, moov).find((b) => b.type === 'trak')!;
  const stsd = findPath(fmp4, trak, ['mdia', 'minf', 'stbl', 'stsd'])!;
  const entry = childBoxes(fmp4, stsd.body + 8, stsd.end)[0]!;
  const avcC = childBoxes(fmp4, entry.body + 78, entry.end).find((b) => b.type === 'avcC')!;
  return fmp4.subarray(avcC.body, avcC.end);
}

/** The in-band SPS/PPS of the first keyframe, as a camera sends them. */
function inBandSets(fmp4: Buffer): { sps: Buffer[]; pps: Buffer[] } {
  const moof = childBoxes(fmp4, 0, fmp4.length).findIndex((b) => b.type === 'moof');
  const boxes = childBoxes(fmp4, 0, fmp4.length);
  const fragment = fmp4.subarray(boxes[moof]!.start, boxes[moof + 1]!.end);
  const nals = sampleNalUnits(firstSample(fragment, 1)!, 4);
  return {
    sps: nals.filter((n) => (n[0]! & 0x1f) === NAL_SPS),
    pps: nals.filter((n) => (n[0]! & 0x1f) === NAL_PPS),
  };
}

const CASES = [
  { size: '320x240', profile: 'baseline', level: 13, idc: 66 },
  // 360 is not a multiple of 16: the SPS crops 8 rows.
  { size: '640x360', profile: 'main', level: 30, idc: 77 },
  { size: '1280x720', profile: 'high', level: 31, idc: 100 },
  { size: '176x144', profile: 'high422', level: 11, idc: 122, pixFmt: 'yuv422p' },
];

describe('H264 SPS parsing and avcC building', () => {
  let dir: TempDir;
  const encoded = new Map<string, { fmp4: Buffer; file: string }>();
  beforeAll(async () => {
    dir = await tempDir();
    for (const c of CASES) encoded.set(c.size, await encode(dir, c));
  });
  afterAll(() => dir?.remove());

  it.each(CASES)('reads size, profile and level of $size $profile as ffprobe does', async (c) => {
    const { fmp4, file } = encoded.get(c.size)!;
    const sps = parseSps(inBandSets(fmp4).sps[0]!);
    const [width, height] = c.size.split('x').map(Number);
    expect({ width: sps.width, height: sps.height }).toEqual({ width, height });
    expect(sps.profileIdc).toBe(c.idc);
    const probe = (await ffprobe(file)).streams[0]!;
    expect(sps.levelIdc).toBe(probe.level);
    expect(sps.chromaFormatIdc).toBe(c.pixFmt === 'yuv422p' ? 2 : 1);
  });

  it.each(CASES)('builds the same avcC bytes as ffmpeg for $size $profile', (c) => {
    const { fmp4 } = encoded.get(c.size)!;
    const ours = buildAvcC(inBandSets(fmp4));
    expect(ours.toString('hex')).toBe(ffmpegAvcC(fmp4).toString('hex'));
    expect(parseAvcC(ours).sps[0]!.equals(inBandSets(fmp4).sps[0]!)).toBe(true);
  });

  it('rewrites an init segment to a new size and codec string that ffprobe reads', async () => {
    const small = encoded.get('320x240')!.fmp4;
    const large = encoded.get('1280x720')!.fmp4;
    const boxes = childBoxes(small, 0, small.length);
    const init = small.subarray(0, boxes.find((b) => b.type === 'moov')!.end);
    const rewritten = replaceAvcC(init, 1, ffmpegAvcC(large), { width: 1280, height: 720 });
    const info = parseInit(rewritten);
    expect(info.tracks[0]).toMatchObject({ width: 1280, height: 720, codec: 'avc1.64001f' });
    // The 720p fragments under the rewritten init form a file ffprobe reads as 720p H264.
    const media = large.subarray(childBoxes(large, 0, large.length)[2]!.start);
    const file = await dir.file('rewritten.mp4', Buffer.concat([rewritten, media]));
    const probe = (await ffprobe(file)).streams[0]!;
    expect(probe).toMatchObject({ codec_name: 'h264', profile: 'High' });
    expect(parseFragment(media, info).tracks[0]!.sampleCount).toBeGreaterThan(0);
  });

  it('refuses malformed parameter sets with Fmp4Error', () => {
    const sps = inBandSets(encoded.get('320x240')!.fmp4).sps[0]!;
    expect(() => parseSps(sps.subarray(0, 5))).toThrow(Fmp4Error);
    expect(() => parseSps(Buffer.from([0x67, 66, 0, 13, 0, 0, 0, 0, 0]))).toThrow(Fmp4Error);
    expect(() => parseSps(Buffer.from([0x68, 1, 2, 3]))).toThrow(/not an SPS/);
    expect(() => buildAvcC({ sps: [sps], pps: [] })).toThrow(Fmp4Error);
    expect(() => parseAvcC(Buffer.from([1, 66, 0, 13, 0xff, 0xe1, 0, 40]))).toThrow(/truncated/);
    expect(() => sampleNalUnits(Buffer.from([0, 0, 0, 9, 0x65]), 4)).toThrow(/NAL length/);
  });

  it('removes emulation-prevention bytes (00 00 03) before reading bits', () => {
    const escaped = Buffer.from([0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 0, 3]);
    expect([...unescapeRbsp(escaped)]).toEqual([0x67, 0, 0, 1, 0, 0, 0, 0, 0]);
  });
});
