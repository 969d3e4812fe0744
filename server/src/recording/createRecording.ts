import path from 'node:path';
import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import type { Config } from '../config/schema.ts';
import type { AuditLog } from '../identity/audit/AuditLog.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import { createLogger } from '@porchlight/runtime';
import { DataKeys } from './crypto/DataKeys.ts';
import { MasterKeyRing } from './crypto/MasterKeyRing.ts';
import { ClipExporter } from './playback/ClipExporter.ts';
import type { RecordingIndex } from './index/RecordingIndex.ts';
import { ObservedRecordingIndex, type StorageChange } from './index/ObservedRecordingIndex.ts';
import { SqlRecordingIndex } from './index/SqlRecordingIndex.ts';
import { LivePlaylist } from './playback/LivePlaylist.ts';
import { MediaServer, type PlaybackLookups } from './playback/MediaServer.ts';
import { PlaybackTokens } from './playback/PlaybackTokens.ts';
import type { RecordingPort } from './ports.ts';
import { Snapshotter } from './playback/Snapshotter.ts';
import { RecordingService, type RecordingCluster } from './RecordingService.ts';
import type { RepairReport } from './Repair.ts';
import { SegmentVault } from './SegmentVault.ts';
import { createObjectStorage } from './storage/createObjectStorage.ts';

const logger = createLogger('Recording');

/** Everything recording, wired once: the server's composition root holds just this. */
export interface Recording {
  service: RecordingService;
  /** The recording index (segments, runs, data keys, usage). */
  index: RecordingIndex;
  dataKeys: DataKeys;
  media: MediaServer;
  /** The port the REST API gets. */
  api: RecordingPort;
  /** What the start-up repair found and fixed. */
  repair: RepairReport;
  close(): Promise<void>;
}

export async function createRecording(o: {
  config: Config['recording'];
  dataDir: string;
  secret: string;
  /** The metadata database; the recording index lives in it beside the identity tables. */
  db: SqlExecutor;
  /** Device and API key lookups for signed playback URLs. */
  lookups: PlaybackLookups;
  rooms: RoomRegistry;
  audit: AuditLog;
  authorizer: Authorizer;
  /** Told after each segment insert or delete of a device's stream (usage metering). */
  onStorageChange?: StorageChange;
  /** A cluster's leases and live nodes (maintenance and repair of the shared storage). */
  cluster?: Omit<RecordingCluster, 'storageScope'>;
  now?: () => number;
}): Promise<Recording> {
  const c = o.config;
  const now = o.now ?? Date.now;
  const storage = createObjectStorage(
    c.storage === 's3'
      ? {
          kind: 's3',
          ...(c.s3.endpoint ? { endpoint: c.s3.endpoint } : {}),
          region: c.s3.region,
          bucket: c.s3.bucket,
          prefix: c.s3.prefix,
          accessKeyId: c.s3.accessKeyId,
          secretAccessKey: c.s3.secretAccessKey,
        }
      : { kind: 'fs', dir: c.storageDir || path.join(o.dataDir, 'recordings') },
  );
  const masterKeys = MasterKeyRing.load({
    env: c.masterKeys,
    keyFile: c.masterKeyFile || path.join(o.dataDir, 'secrets', 'recording-master-keys'),
  });
  const index = o.onStorageChange
    ? new ObservedRecordingIndex(o.db, o.onStorageChange)
    : new SqlRecordingIndex(o.db);
  const dataKeys = new DataKeys({ repo: index, masterKeys, now });
  // A new master key put first in the key file takes over here: every data key moves under it,
  // after which the old master key can be removed.
  const rewrapped = await dataKeys.rewrapAll();
  if (rewrapped > 0)
    logger.info('data keys re-wrapped under the current master key', { rewrapped });
  const vault = new SegmentVault(storage, dataKeys);
  const { service, repair } = await RecordingService.create({
    index,
    vault,
    rooms: o.rooms,
    enabled: c.enabled,
    ffmpegPath: c.ffmpegPath,
    muxer: c.muxer,
    segmentMs: c.segmentSeconds * 1000,
    defaultMode: c.defaultMode,
    defaultRetentionDays: c.defaultRetentionDays,
    defaultPreRollSeconds: c.defaultPreRollSeconds,
    defaultPostRollSeconds: c.defaultPostRollSeconds,
    preRollMarginMs: c.preRollMarginSeconds * 1000,
    writeRetryMs: c.writeRetrySeconds * 1000,
    onDemandSeconds: c.onDemandSeconds,
    minFreeBytes: c.minFreeBytes,
    maxTotalBytes: c.maxTotalBytes,
    maintenanceIntervalMs: c.retentionIntervalSeconds * 1000,
    ...(o.cluster && {
      cluster: {
        ...o.cluster,
        storageScope:
          c.storage === 's3'
            ? `s3:${c.s3.endpoint}/${c.s3.bucket}/${c.s3.prefix}`
            : `fs:${c.storageDir}`,
      },
    }),
    now,
  });
  service.on('alarm', (alarm) => {
    for (const siteId of alarm.sites) {
      void o.audit.record({
        actor: { type: 'system', id: null },
        action: 'recording.disk-guard',
        resource: `site/${siteId}`,
        outcome: 'success',
        detail: {
          reason: alarm.reason,
          deletedSegments: alarm.deleted.filter((s) => s.storageKey.startsWith(`${siteId}/`))
            .length,
          freeBytes: alarm.freeBytes,
          totalBytes: alarm.totalBytes,
        },
      });
    }
  });
  const tokens = new PlaybackTokens(o.secret, now);
  const media = new MediaServer({
    tokens,
    index,
    vault,
    clips: new ClipExporter(index, vault, { ffmpegPath: c.ffmpegPath }),
    snapshots: new Snapshotter(index, vault, c.ffmpegPath, {
      concurrent: c.snapshotConcurrency,
      queued: c.snapshotQueue,
    }),
    usage: service.usage,
    authorizer: o.authorizer,
    lookups: o.lookups,
    segmentMs: c.segmentSeconds * 1000,
    live: new LivePlaylist({
      index,
      live: service.live,
      segmentMs: c.segmentSeconds * 1000,
      liveWindowSegments: c.liveWindowSegments,
    }),
    now,
  });
  const api: RecordingPort = {
    service,
    tokens,
    playbackTtlSeconds: c.playbackTtlSeconds,
    rotateKeys: async () => {
      let rotated = 0;
      for (const stream of await index.listStreams()) {
        await dataKeys.rotate(stream.deviceId);
        rotated++;
      }
      return { rotated, rewrapped: await dataKeys.rewrapAll() };
    },
  };
  let closing: Promise<void> | undefined;
  return {
    service,
    index,
    dataKeys,
    media,
    api,
    repair,
    close: () =>
      (closing ??= (async () => {
        await service.close();
        await storage.close();
      })()),
  };
}
