/**
 * Production helper: coturn runs as its own systemd service (turn/porchlight-turn.service); this
 * renders its config and maintains its secrets DB from one JSON file of TurnConfigOptions.
 *
 *   node --import tsx turn/src/cli.ts render  /etc/porchlight/turn.json > /etc/porchlight/turnserver.conf
 *   node --import tsx turn/src/cli.ts secrets /etc/porchlight/turn.json   # run as the coturn user
 *
 * `secrets` makes exactly the JSON's `secrets` valid in `userDbPath` (coturn picks the change up
 * on the next authentication; live allocations are unaffected). Run it as the user coturn runs
 * as, so SQLite's -wal/-shm files stay writable by coturn.
 */
import fs from 'node:fs';
import { TurnConfig, type TurnConfigOptions } from './TurnConfig.ts';
import { TurnSecretStore } from './TurnSecretStore.ts';

const USAGE = 'usage: cli.ts render|secrets <turn-options.json>';

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  if ((command !== 'render' && command !== 'secrets') || !file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = TurnConfig.from(
    JSON.parse(await fs.promises.readFile(file, 'utf8')) as TurnConfigOptions,
  );
  if (command === 'render') {
    process.stdout.write(config.render());
    return 0;
  }
  const { userDbPath, realm, secrets, secretStore } = config.options;
  if (secretStore !== 'sqlite' || userDbPath === undefined) {
    process.stderr.write(
      "secrets: only for secretStore 'sqlite' (static secrets live in the conf)\n",
    );
    return 2;
  }
  const store = await TurnSecretStore.create({ dbPath: userDbPath, realm });
  try {
    store.setSecrets(secrets);
    process.stderr.write(
      `${secrets.length} secret(s) active for realm ${realm} in ${userDbPath}\n`,
    );
  } finally {
    store.close();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
