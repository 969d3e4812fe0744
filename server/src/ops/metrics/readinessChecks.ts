import type { TurnSupervisor } from '@porchlight/turn';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { ObjectStorage } from '../../recording/storage/ObjectStorage.ts';
import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import type { ReadinessCheck } from './Readiness.ts';

/** Written and deleted by every storage check: proves the store takes writes right now. */
const PROBE_KEY = 'ops/readyz-probe';

export interface ReadinessSources {
  db: Pick<SqlExecutor, 'query'>;
  storage: Pick<ObjectStorage, 'put' | 'delete'>;
  pool: Pick<WorkerPool, 'slots'>;
  numWorkers: number;
  /** undefined when TURN is disabled. */
  turn: Pick<TurnSupervisor, 'healthy'> | undefined;
  /** The node is draining (cluster): balancers must stop sending it new connections. */
  draining?: () => boolean;
}

/** The four dependencies (database, recording storage, mediasoup workers, coturn) and the node's own state (draining). */
export function readinessChecks(s: ReadinessSources): ReadinessCheck[] {
  return [
    {
      name: 'database',
      enabled: true,
      run: async () => {
        await s.db.query('SELECT 1');
        return { ok: true };
      },
    },
    {
      name: 'storage',
      enabled: true,
      run: async () => {
        await s.storage.put(PROBE_KEY, Buffer.from('ok'));
        await s.storage.delete([PROBE_KEY]);
        return { ok: true };
      },
    },
    {
      name: 'workers',
      enabled: true,
      // Rooms move to a live worker while a dead one respawns: one live worker keeps media up.
      run: async () => {
        const live = s.pool.slots.length;
        const detail = `${live}/${s.numWorkers} live`;
        return live > 0 ? { ok: true, detail } : { ok: false, reason: 'no live worker' };
      },
    },
    {
      name: 'turn',
      enabled: s.turn !== undefined,
      run: async () =>
        s.turn?.healthy ? { ok: true } : { ok: false, reason: 'coturn not answering STUN' },
    },
    {
      name: 'node',
      enabled: true,
      uncached: true,
      run: async () => (s.draining?.() ? { ok: false, reason: 'draining' } : { ok: true }),
    },
  ];
}
