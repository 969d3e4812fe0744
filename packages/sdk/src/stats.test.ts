import { describe, expect, it } from 'vitest';
import { sampleReports, StatsAccumulator, type LabelledReport } from './stats.ts';

function report(transportId: string, stats: Record<string, unknown>[]): LabelledReport {
  return { transportId, report: new Map(stats.map((s) => [s['id'] as string, s])) };
}

const videoIn = (id: string, framesDecoded: number, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'inbound-rtp',
  kind: 'video',
  framesDecoded,
  bytesReceived: framesDecoded * 1000,
  ...extra,
});

describe('sampleReports + StatsAccumulator', () => {
  it('sums inbound video and audio and picks the largest video for instantaneous values', () => {
    const acc = new StatsAccumulator();
    const stats = acc.summarize(
      sampleReports([
        report('recv1', [
          videoIn('v1', 10, { frameWidth: 320, frameHeight: 180, framesPerSecond: 15 }),
          videoIn('v2', 20, { frameWidth: 1280, frameHeight: 720, framesPerSecond: 30 }),
          {
            id: 'a1',
            type: 'inbound-rtp',
            kind: 'audio',
            totalAudioEnergy: 0.5,
            audioLevel: 0.1,
            bytesReceived: 7,
          },
          {
            id: 'a2',
            type: 'inbound-rtp',
            mediaType: 'audio',
            totalAudioEnergy: 0.25,
            audioLevel: 0.3,
            bytesReceived: 3,
          },
        ]),
      ]),
    );
    expect(stats.video).toEqual({
      framesDecoded: 30,
      bytesReceived: 30_000,
      framesPerSecond: 30,
      frameWidth: 1280,
      frameHeight: 720,
    });
    expect(stats.audio).toEqual({ totalAudioEnergy: 0.75, audioLevel: 0.3, bytesReceived: 10 });
    expect(stats.outbound).toEqual({ bytesSent: 0 });
    expect(stats.candidatePairType).toBeUndefined();
  });

  it('sums outbound simulcast layers and reports framesEncoded only with outbound video', () => {
    const acc = new StatsAccumulator();
    const stats = acc.summarize(
      sampleReports([
        report('send1', [
          { id: 'o1', type: 'outbound-rtp', kind: 'video', bytesSent: 100, framesEncoded: 5 },
          { id: 'o2', type: 'outbound-rtp', kind: 'video', bytesSent: 200, framesEncoded: 6 },
          { id: 'o3', type: 'outbound-rtp', kind: 'audio', bytesSent: 50 },
        ]),
      ]),
    );
    expect(stats.outbound).toEqual({ bytesSent: 350, framesEncoded: 11 });
    const audioOnly = new StatsAccumulator().summarize(
      sampleReports([
        report('send2', [{ id: 'o3', type: 'outbound-rtp', kind: 'audio', bytesSent: 50 }]),
      ]),
    );
    expect(audioOnly.outbound).toEqual({ bytesSent: 50 });
  });

  it('keeps counters monotonic when a transport is replaced (media reset)', () => {
    const acc = new StatsAccumulator();
    expect(
      acc.summarize(sampleReports([report('recv1', [videoIn('v', 500)])])).video.framesDecoded,
    ).toBe(500);
    // New transport, counters restart at 3; the old 500 must not be lost.
    expect(
      acc.summarize(sampleReports([report('recv2', [videoIn('v', 3)])])).video.framesDecoded,
    ).toBe(503);
    expect(
      acc.summarize(sampleReports([report('recv2', [videoIn('v', 10)])])).video.framesDecoded,
    ).toBe(510);
    // No transport at all for a moment.
    expect(acc.summarize(sampleReports([])).video.framesDecoded).toBe(510);
  });

  it('folds a stream restarted under the same id', () => {
    const acc = new StatsAccumulator();
    acc.summarize(sampleReports([report('t', [videoIn('v', 100)])]));
    expect(acc.summarize(sampleReports([report('t', [videoIn('v', 4)])])).video.framesDecoded).toBe(
      104,
    );
  });

  it('finds the selected pair through the transport stat', () => {
    const stats = new StatsAccumulator().summarize(
      sampleReports([
        report('recv', [
          { id: 'T', type: 'transport', selectedCandidatePairId: 'CP2' },
          {
            id: 'CP1',
            type: 'candidate-pair',
            localCandidateId: 'L1',
            nominated: true,
            state: 'succeeded',
          },
          { id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2' },
          { id: 'L1', type: 'local-candidate', candidateType: 'host' },
          { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
        ]),
      ]),
    );
    expect(stats.candidatePairType).toBe('relay');
  });

  it('falls back to a nominated, succeeded pair and prefers the first report', () => {
    const stats = new StatsAccumulator().summarize(
      sampleReports([
        report('recv', [
          {
            id: 'CP',
            type: 'candidate-pair',
            localCandidateId: 'L',
            nominated: true,
            state: 'succeeded',
          },
          { id: 'L', type: 'local-candidate', candidateType: 'srflx' },
        ]),
        report('send', [
          { id: 'CP', type: 'candidate-pair', localCandidateId: 'L', selected: true },
          { id: 'L', type: 'local-candidate', candidateType: 'host' },
        ]),
      ]),
    );
    expect(stats.candidatePairType).toBe('srflx');
  });
});
