import { devBootstrap, type BootstrapResult } from './bootstrap/devBootstrap.ts';
import { loadConfig } from './config/loadConfig.ts';
import { ConfigError } from './errors.ts';
import { PorchlightServer } from './Server.ts';
import { createLogger, setLogLevel } from '@porchlight/runtime';
import { trustLines } from './http/ca/startupLines.ts';

const logger = createLogger('main');

/**
 * How long a graceful close may take before the process exits anyway (code 1). It flushes every
 * camera's last segment to storage and the index; 10 s was seen to be too short on a loaded box.
 */
const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`porchlight: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  setLogLevel(config.logLevel);
  const server = await PorchlightServer.create(config);

  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { why });
    const force = setTimeout(() => {
      logger.warn('shutdown timed out: exiting anyway', {
        step: server.closingStep,
        timeoutMs: SHUTDOWN_TIMEOUT_MS,
      });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  // A stray rejection or exception (a late reply of a connection the close just ended) is logged
  // where the operator looks. Running, the process still dies of it, as Node would; draining or
  // closing, it goes on: the exit code then says whether the close itself worked.
  const fatal = (kind: string) => (error: unknown) => {
    if (stopping || server.drain.draining) return logger.warn(`${kind} while stopping`, { error });
    logger.error(kind, { error });
    process.exit(1);
  };
  process.on('unhandledRejection', fatal('unhandled rejection'));
  process.on('uncaughtException', fatal('uncaught exception'));
  // In a cluster SIGTERM drains first (clients move to the other nodes), then stops; an admin's
  // drain ends the same way. A single box stops at once, as it always did. A second signal
  // while draining stops at once too.
  server.drain.on('drained', (reason) => stop(`drained (${reason})`));
  const onSignal = (signal: string): void => {
    if (!server.cluster.clustered || server.drain.draining) return stop(signal);
    logger.info('signal received: draining', { signal });
    void server.drain.start(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  const lines = [`Porchlight is running at ${server.url}`];
  if (config.devBootstrap) {
    const boot = await devBootstrap({
      identity: server.identity,
      dataDir: config.dataDir,
      baseUrl: server.url,
      codeTtlSeconds: config.auth.bootstrapCodeTtl,
    });
    lines.push(
      `Site "${boot.site.name}" (${boot.site.id})`,
      '',
      'Watch (homeowner) - open on a laptop or phone and log in:',
      `  ${boot.viewerUrl}`,
      `  e-mail:   ${boot.ownerEmail}`,
      ...ownerPasswordLines(boot),
      '',
      'Camera - open on the device that should become a camera (single use, valid until',
      `${new Date(boot.cameraCodeExpiresAt).toISOString()}; a new link is printed at every start):`,
      `  ${boot.cameraUrl}`,
      '',
      'Admin dashboard:',
      `  ${server.url}/admin/`,
    );
  }
  lines.push('', ...(await trustLines(server)));
  process.stdout.write('\n' + lines.join('\n') + '\n\n');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`porchlight: ${error.message}\n`);
    process.exit(2);
  }
  logger.error('failed to start', { error });
  process.exit(1);
});

/**
 * The owner's password on the banner: the generated one only on the start that created it
 * (finding 6: logs are often world-readable), afterwards only where to find or reset it.
 */
function ownerPasswordLines(boot: BootstrapResult): string[] {
  if (boot.ownerPassword)
    return [`  password: ${boot.ownerPassword}   (shown this once; change it at first login)`];
  if (boot.ownerPasswordPending)
    return [
      `  password: the generated one, printed at first start and kept in ${boot.passwordFile}`,
      '            (0600) until you change it at first login',
    ];
  return [
    '  password: the one you set (forgot it? another admin resets it in the admin dashboard,',
    '            Accounts; the account then picks a new one at next login)',
  ];
}
