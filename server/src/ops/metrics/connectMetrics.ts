import type { TurnSupervisor } from '@porchlight/turn';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { PushSender } from '../../notify/PushSender.ts';
import type { RecordingService } from '../../recording/RecordingService.ts';
import type { ObjectStorage } from '../../recording/storage/ObjectStorage.ts';
import type { SignalingServer } from '../../signaling/SignalingServer.ts';
import type { MediaStats } from './MediaStats.ts';
import type { PorchlightMetrics } from './PorchlightMetrics.ts';

/** What the metrics read or listen to; the composition root hands these over. */
export interface MetricSources {
  pool: WorkerPool;
  media: MediaStats;
  signaling: Pick<SignalingServer, 'sessionCount' | 'on'>;
  recording: Pick<RecordingService, 'activeRunCount' | 'on'> & {
    index: { storedBytesBySite(): Promise<Map<string, number>> };
  };
  storage: Pick<ObjectStorage, 'capacity'>;
  /** Managed coturn; undefined when TURN is disabled. */
  turn: Pick<TurnSupervisor, 'healthy' | 'openSessions' | 'on'> | undefined;
  push: Pick<PushSender, 'on'>;
  now?: () => number;
}

/** Stored bytes per site come from the database: read at most this often. */
const STORAGE_CACHE_MS = 30_000;

/**
 * Connects every source to the metrics: counters follow the sources' typed events, gauges and
 * mediasoup counters are read at scrape time (mediasoup through MediaStats' short cache).
 */
export function connectMetrics(m: PorchlightMetrics, s: MetricSources): void {
  const now = s.now ?? Date.now;
  connectMedia(m, s.pool, s.media);

  m.gauge('signaling_sockets', 'Open sockets (authenticated).', [], (g) =>
    g.set(s.signaling.sessionCount),
  );
  s.signaling.on('connection', () => m.signalingConnections.inc());
  s.signaling.on('request', (type, error) => {
    m.signalingMessages.inc({ type });
    if (error !== undefined) m.signalingErrors.inc({ code: error });
  });

  m.gauge('recording_active_recorders', 'Recorder runs recording or still writing.', [], (g) =>
    g.set(s.recording.activeRunCount),
  );
  s.recording.on('segment', (segment) => {
    m.recordingSegments.inc();
    m.recordingBytes.inc(segment.storedBytes);
    const lagMs = now() - (segment.ingestTime + segment.durationMs);
    m.recordingPersistLag.observe(Math.max(0, lagMs) / 1000);
  });
  s.recording.on('failure', (reason) => m.recordingFailures.inc({ reason }));

  let bySite: { at: number; value: Promise<Map<string, number>> } | undefined;
  m.gauge('storage_stored_bytes', 'Bytes of recordings stored, per site.', ['site'], async (g) => {
    if (!bySite || now() - bySite.at > STORAGE_CACHE_MS) {
      bySite = { at: now(), value: s.recording.index.storedBytesBySite() };
    }
    g.reset();
    for (const [site, bytes] of await bySite.value) g.set({ site }, bytes);
  });
  m.gauge(
    'storage_free_bytes',
    'Free bytes on the recordings volume (filesystem storage only).',
    [],
    async (g) => {
      const c = await s.storage.capacity().catch(() => null);
      if (c) g.set(c.freeBytes);
    },
  );
  m.gauge(
    'storage_capacity_bytes',
    'Size of the recordings volume (filesystem storage only).',
    [],
    async (g) => {
      const c = await s.storage.capacity().catch(() => null);
      if (c) g.set(c.totalBytes);
    },
  );

  const turn = s.turn;
  m.gauge('turn_up', '1 when coturn answers STUN health probes, 0 when not.', [], (g) =>
    g.set(turn?.healthy ? 1 : 0),
  );
  m.gauge('turn_allocations', 'TURN allocations open now.', [], (g) =>
    g.set(turn?.openSessions ?? 0),
  );
  turn?.on('usage', (u) => {
    m.turnSessions.inc();
    m.turnRelayedBytes.inc({ direction: 'received' }, u.bytesReceived);
    m.turnRelayedBytes.inc({ direction: 'sent' }, u.bytesSent);
  });
  turn?.on('restarted', () => m.turnRestarts.inc());

  s.push.on('sent', (outcome) => m.pushDeliveries.inc({ outcome: outcome.kind }));
}

/** mediasoup: object counts, worker CPU and RTP counters, polled on scrape. */
function connectMedia(m: PorchlightMetrics, pool: WorkerPool, media: MediaStats): void {
  pool.on('workerDied', () => m.workerRestarts.inc());
  m.gauge('mediasoup_workers', 'Live mediasoup workers.', [], (g) => g.set(pool.slots.length));
  m.gauge('mediasoup_routers', 'mediasoup routers (one per site room or call).', [], (g) =>
    g.set(media.routers.size),
  );
  m.gauge('mediasoup_transports', 'mediasoup transports by type.', ['type'], (g) => {
    g.reset();
    for (const [type, n] of media.transportsByType()) g.set({ type }, n);
  });
  m.gauge('mediasoup_producers', 'mediasoup producers by kind.', ['kind'], (g) => {
    g.reset();
    for (const [kind, n] of media.producersByKind()) g.set({ kind }, n);
  });
  m.gauge(
    'mediasoup_consumers',
    'mediasoup consumers by kind (viewers and recorders).',
    ['kind'],
    (g) => {
      g.reset();
      for (const [kind, n] of media.consumersByKind()) g.set({ kind }, n);
    },
  );
  m.scrapedCounter(
    'mediasoup_worker_cpu_seconds_total',
    'CPU time (user + system) of each mediasoup worker; restarts from 0 when a worker respawns.',
    ['worker'],
    async () => {
      await media.refresh();
      return media.workerCpu.map((c) => [{ worker: c.index }, c.cpuSeconds]);
    },
  );
  const rtp = (
    name: string,
    help: string,
    key: 'bytes' | 'packets' | 'packetsLost' | 'nacks' | 'plis',
  ): void => {
    m.scrapedCounter(name, help, ['direction'], async () => {
      await media.refresh();
      return [
        [{ direction: 'in' }, media.totals.in[key]],
        [{ direction: 'out' }, media.totals.out[key]],
      ];
    });
  };
  rtp(
    'mediasoup_rtp_bytes_total',
    'RTP bytes into the SFU from producers (in) and out of it to consumers (out).',
    'bytes',
  );
  rtp('mediasoup_rtp_packets_total', 'RTP packets in (producers) and out (consumers).', 'packets');
  rtp(
    'mediasoup_rtp_packets_lost_total',
    'Packets lost: from cameras as seen by the SFU (in), to viewers as they report (out).',
    'packetsLost',
  );
  rtp(
    'mediasoup_nack_total',
    'NACKs: sent by the SFU to producers (in), received from consumers (out).',
    'nacks',
  );
  rtp(
    'mediasoup_pli_total',
    'Keyframe requests (PLI): sent to producers (in), received from consumers (out).',
    'plis',
  );
}
