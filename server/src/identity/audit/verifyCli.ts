/**
 * `npm run -s audit:verify`: checks the audit log's hash chain in the database the server's
 * configuration names (PORCHLIGHT_CONFIG / environment, as `npm start` reads them). Prints the
 * report as JSON; exit 0 when the chain holds, 1 naming the first broken row, 2 on bad config.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../config/loadConfig.ts';
import { ConfigError } from '../../errors.ts';
import { createStore } from '../../store/createStore.ts';
import { verifyAuditChain } from './AuditChain.ts';

/** `env`: the environment to configure from (default: the process's, as loadConfig reads it). */
export async function run(out: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<number> {
  let url: string;
  try {
    const config = env ? loadConfig({}, env) : loadConfig();
    url = config.database.url || `sqlite:${path.join(config.dataDir, 'porchlight.db')}`;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out(`audit:verify: ${error.message}`);
    return 2;
  }
  const store = await createStore({ url });
  try {
    const report = await verifyAuditChain(store.audit);
    out(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await run((line) => process.stdout.write(`${line}\n`));
}
