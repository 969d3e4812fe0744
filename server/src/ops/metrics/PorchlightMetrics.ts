import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name starts with this (Prometheus naming: one prefix per application). */
export const METRIC_PREFIX = 'porchlight_';

/** Outcomes of a Web Push send (PushSender's SendOutcome kinds). */
export const PUSH_OUTCOMES = ['delivered', 'gone', 'throttled', 'deferred', 'failed'] as const;
/** Outcomes of a webhook delivery (the webhook feature increments them). */
export const WEBHOOK_OUTCOMES = ['delivered', 'failed'] as const;
/** Why a recording lost media. */
export const RECORDING_FAILURES = ['write', 'recorder_exit', 'recorder_start'] as const;

type Names<T extends readonly string[]> = T[number];

/**
 * The registry behind `/metrics` (its own, never prom-client's global one, so two servers in one
 * process do not mix) and every metric the server keeps by itself. Gauges read at scrape time
 * (mediasoup, storage, TURN) are filled by collectors (MediaCollector, StorageCollector) that
 * register their own `collect` callbacks here. Labels are bounded: kinds, directions, outcomes,
 * error codes, message types, worker indexes and site ids (sites are created by owners and admins,
 * a handful per box).
 */
export class PorchlightMetrics {
  readonly registry = new Registry();

  // Signaling
  readonly signalingConnections = this.#counter(
    'signaling_connections_total',
    'Sockets accepted after the handshake.',
  );
  readonly signalingMessages = this.#counter(
    'signaling_messages_total',
    'Socket requests received, by request name ("unknown" for names not in the protocol).',
    ['type'],
  );
  readonly signalingErrors = this.#counter(
    'signaling_errors_total',
    'Socket requests answered with an error, by error code.',
    ['code'],
  );

  // Recording
  readonly recordingSegments = this.#counter(
    'recording_segments_total',
    'Recorded segments persisted (stored and indexed).',
  );
  readonly recordingBytes = this.#counter(
    'recording_written_bytes_total',
    'Bytes of recorded segments written to storage (as stored: encrypted).',
  );
  readonly recordingPersistLag = new Histogram({
    name: `${METRIC_PREFIX}recording_persist_lag_seconds`,
    help: 'From the end of a segment (its last media reached the server) to it being playable.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly recordingFailures = this.#counter(
    'recording_failures_total',
    'Recording failures: a segment that could not be written, a recorder that crashed or failed to start.',
    ['reason'],
  );

  // HTTP and HLS
  readonly httpRequests = this.#counter(
    'http_requests_total',
    'HTTP requests answered, by method, route pattern and status class.',
    ['method', 'route', 'status'],
  );
  readonly httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request (LL-HLS blocking requests wait for media by design).',
    labelNames: ['status'],
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly hlsRequests = this.#counter(
    'hls_requests_total',
    'Requests under /media/ (playlists, parts, segments, clips, snapshots), by kind and status class.',
    ['kind', 'status'],
  );
  readonly hlsBytes = this.#counter(
    'hls_sent_bytes_total',
    'Body bytes sent for /media/ requests (by Content-Length; streamed clips are not counted).',
    ['kind'],
  );

  // TURN
  readonly turnSessions = this.#counter(
    'turn_sessions_total',
    'TURN allocations that ended (coturn session records).',
  );
  readonly turnRelayedBytes = this.#counter(
    'turn_relayed_bytes_total',
    'Bytes relayed by coturn, by direction, counted when each allocation ends.',
    ['direction'],
  );
  readonly turnRestarts = this.#counter('turn_restarts_total', 'coturn restarts after an exit.');

  // Workers
  readonly workerRestarts = this.#counter(
    'mediasoup_worker_restarts_total',
    'mediasoup workers that died (and were respawned).',
  );

  // Notifications
  readonly pushDeliveries = this.#counter('push_deliveries_total', 'Web Push sends by outcome.', [
    'outcome',
  ]);
  readonly webhookDeliveries = this.#counter(
    'webhook_deliveries_total',
    'Webhook deliveries by outcome (incremented by the webhook feature).',
    ['outcome'],
  );

  constructor(version: string) {
    // Process CPU, memory, file descriptors, event-loop lag, GC, heap: prom-client's own.
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: 'Always 1; the running version as a label.',
      labelNames: ['version'],
      registers: [this.registry],
    }).set({ version }, 1);
    // Known label values start at 0, so rate() works from the first scrape.
    for (const outcome of PUSH_OUTCOMES) this.pushDeliveries.inc({ outcome }, 0);
    for (const outcome of WEBHOOK_OUTCOMES) this.webhookDeliveries.inc({ outcome }, 0);
    for (const reason of RECORDING_FAILURES) this.recordingFailures.inc({ reason }, 0);
    for (const direction of ['received', 'sent']) this.turnRelayedBytes.inc({ direction }, 0);
  }

  /** A webhook delivery ended (the webhook feature calls this). */
  webhookDelivered(outcome: Names<typeof WEBHOOK_OUTCOMES>): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** A gauge whose value is read when Prometheus scrapes. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge<L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Gauge<L>) {
        return collect(this);
      },
    });
  }

  /** A counter whose cumulative value is read when Prometheus scrapes (from mediasoup, the OS). */
  scrapedCounter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<[labels: Partial<Record<L, string | number>>, value: number][]>,
  ): Counter<L> {
    return new Counter<L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
      async collect(this: Counter<L>) {
        const values = await read();
        // A counter reset (a respawned worker) is legal: Prometheus' rate() handles it.
        this.reset();
        for (const [labels, value] of values) this.inc(labels, value);
      },
    });
  }

  /** The text exposition (`text/plain; version=0.0.4`). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #counter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return new Counter<L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
    });
  }
}
