import { isLogLevel, setLogLevel } from '@porchlight/runtime';

/**
 * Runs a bench's main and exits with its outcome: child processes, workers and sockets that a
 * failed run left behind must not keep the process alive.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[${name}] failed:`, error);
      process.exit(1);
    },
  );
}

/**
 * Benches log warnings only: one line per joined viewer or started recorder would drown their
 * output and cost CPU. PORCHLIGHT_LOG_LEVEL (as for the server) overrides; an illegal one is info.
 */
export function quietLogs(): void {
  const level = process.env['PORCHLIGHT_LOG_LEVEL'] ?? 'warn';
  setLogLevel(isLogLevel(level) ? level : 'info');
}
