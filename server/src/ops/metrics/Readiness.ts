import type { HttpApp } from '../../http/HttpServer.ts';

/** One dependency's state: `ok`, or down with a short reason (never a secret or a path). */
export type CheckResult = { ok: true; detail?: string } | { ok: false; reason: string };

/** A dependency the server needs to serve its users. */
export interface ReadinessCheck {
  name: 'database' | 'storage' | 'workers' | 'turn' | 'node';
  /** Disabled checks (TURN off) are reported but never make the server unready. */
  enabled: boolean;
  /**
   * Run on every request instead of sharing a run for a second: in-memory states that must
   * flip at once (a draining node leaves the balancers' rotation on the next probe).
   */
  uncached?: boolean;
  run(): Promise<CheckResult>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<
    string,
    { ok: boolean; enabled: boolean; ms: number; detail?: string; reason?: string }
  >;
}

/**
 * `/readyz` needs no credentials and the storage check writes: requests within this long of a run
 * share its result, so a flood of probes costs one write per second.
 */
const SHARE_MS = 1_000;
/** A check that has not answered in this long is down (a hung database, an NFS mount). */
const CHECK_TIMEOUT_MS = 3_000;

/**
 * Readiness per dependency (`GET /readyz`): 200 when every enabled check passes, 503 naming the
 * ones that failed. `/healthz` stays liveness (the process answers), so an orchestrator restarts
 * on /healthz and routes traffic on /readyz. Checks run in parallel on each request; they are
 * cheap (SELECT 1, one small probe object, in-memory states).
 */
export class Readiness {
  readonly #checks: readonly ReadinessCheck[];
  #cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  constructor(checks: readonly ReadinessCheck[]) {
    this.#checks = checks;
  }

  async report(): Promise<ReadinessReport> {
    return this.#run(this.#checks);
  }

  async #run(checksToRun: readonly ReadinessCheck[]): Promise<ReadinessReport> {
    const results = await Promise.all(
      checksToRun.map(async (check) => {
        const started = performance.now();
        const result = check.enabled
          ? await withTimeout(check.run())
          : { ok: true as const, detail: 'disabled' };
        return { check, result, ms: Math.round(performance.now() - started) };
      }),
    );
    const checks: ReadinessReport['checks'] = {};
    for (const { check, result, ms } of results) {
      checks[check.name] = {
        ok: result.ok,
        enabled: check.enabled,
        ms,
        ...(result.ok
          ? result.detail
            ? { detail: result.detail }
            : {}
          : { reason: result.reason }),
      };
    }
    return { ready: results.every((r) => r.result.ok), checks };
  }

  /** The report for `/readyz`: concurrent and back-to-back requests share one run of the checks. */
  #shared(): Promise<ReadinessReport> {
    const now = performance.now();
    if (!this.#cached || now - this.#cached.at > SHARE_MS) {
      this.#cached = { at: now, report: this.#run(this.#checks.filter((c) => !c.uncached)) };
    }
    return this.#cached.report;
  }

  /** The shared run of the cached checks with a fresh run of the uncached ones. */
  async #current(): Promise<ReadinessReport> {
    const [shared, fresh] = await Promise.all([
      this.#shared(),
      this.#run(this.#checks.filter((c) => c.uncached)),
    ]);
    return {
      ready: shared.ready && fresh.ready,
      checks: { ...shared.checks, ...fresh.checks },
    };
  }

  register(app: HttpApp): void {
    // Like /healthz, no credentials: it says which dependency is down, never how to reach it.
    app.get('/readyz', async (_req, reply) => {
      const report = await this.#current();
      return reply
        .status(report.ready ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(report);
    });
  }
}

async function withTimeout(check: Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timed out' }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check.catch((error: unknown): CheckResult => ({ ok: false, reason: reasonOf(error) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** An errno code (ENOTDIR, EACCES, ECONNREFUSED) or the error's class: no paths, no hosts. */
export function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof cause === 'string') return cause;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'failed';
}
