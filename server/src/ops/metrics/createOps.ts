import type { Config } from '../../config/schema.ts';
import type { HttpApp } from '../../http/HttpServer.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { connectMetrics, type MetricSources } from './connectMetrics.ts';
import { HealthSampler } from './HealthSampler.ts';
import type { MediaStats } from './MediaStats.ts';
import { registerMetricsRoute } from './metricsRoute.ts';
import type { PorchlightMetrics } from './PorchlightMetrics.ts';
import { Readiness } from './Readiness.ts';
import { readinessChecks, type ReadinessSources } from './readinessChecks.ts';

export interface OpsOptions {
  config: Config['ops'];
  numWorkers: number;
  metrics: PorchlightMetrics;
  sources: MetricSources & { media: MediaStats };
  readiness: Omit<ReadinessSources, 'pool' | 'turn' | 'numWorkers'>;
  authenticate: (bearer: string) => Promise<Principal>;
  mayReadMetrics: (principal: Principal) => boolean;
}

/** The operations side: metrics wired to their sources, readiness, the health sampler. */
export interface Ops {
  metrics: PorchlightMetrics;
  readiness: Readiness;
  health: HealthSampler;
  /** `/metrics` and `/readyz` (before the server listens). */
  register(app: HttpApp): void;
  close(): void;
}

export function createOps(o: OpsOptions): Ops {
  const { metrics, sources } = o;
  connectMetrics(metrics, sources);
  const readiness = new Readiness(
    readinessChecks({
      ...o.readiness,
      pool: sources.pool,
      numWorkers: o.numWorkers,
      turn: sources.turn,
    }),
  );
  const health = new HealthSampler({
    media: sources.media,
    numWorkers: o.numWorkers,
    sockets: () => sources.signaling.sessionCount,
    activeRecorders: () => sources.recording.activeRunCount,
    intervalMs: o.config.healthSampleIntervalMs,
    windowSeconds: o.config.healthWindowSeconds,
  });
  health.start();
  return {
    metrics,
    readiness,
    health,
    register: (app) => {
      registerMetricsRoute(app, metrics, {
        allowFrom: o.config.metricsAllowFrom,
        authenticate: o.authenticate,
        mayRead: o.mayReadMetrics,
      });
      readiness.register(app);
    },
    close: () => health.close(),
  };
}
