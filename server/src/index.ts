export { PorchlightServer, type ServerOverrides } from './Server.ts';
export { loadConfig } from './config/loadConfig.ts';
export type { Config, ConfigInput } from './config/schema.ts';
export { createIdentity, type Identity } from './identity/createIdentity.ts';
export { ConfigError, PorchlightError } from './errors.ts';
