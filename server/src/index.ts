export { PorchlightServer, type ServerOverrides } from './Server.ts';
export { loadConfig } from './config/loadConfig.ts';
export type { Config, ConfigInput } from './config/schema.ts';
export { TokenService, type Identity } from './auth/TokenService.ts';
export { ConfigError, PorchlightError } from './errors.ts';
