export { TurnConfig, renderTurnserverConf, MIN_SECRET_LENGTH } from './TurnConfig.ts';
export type {
  TurnConfigOptions,
  ResolvedTurnConfig,
  TurnMode,
  TurnSecretStoreKind,
} from './TurnConfig.ts';
export {
  TURN_DEFAULTS,
  CREDENTIAL_DEFAULTS,
  SUPERVISOR_DEFAULTS,
  DENIED_PEER_CIDRS,
  LOOPBACK_CIDRS,
} from './defaults.ts';
export { TurnConfigError, TurnSupervisorError, TurnCredentialsError } from './errors.ts';
export {
  mintTurnCredentials,
  iceServersFor,
  sanitizeUserId,
  userIdFromUsername,
} from './credentials.ts';
export type {
  MintTurnCredentialsOptions,
  TurnCredentials,
  IceServer,
  IceServersForOptions,
} from './credentials.ts';
export { TurnSupervisor } from './TurnSupervisor.ts';
export type {
  TurnSupervisorOptions,
  TurnSupervisorEvents,
  RestartPolicy,
  HealthCheckOptions,
  TurnLogLine,
} from './TurnSupervisorTypes.ts';
export { TurnSecretStore } from './TurnSecretStore.ts';
export { readBindingResponse, stunProbe, StunProbeError } from './stunProbe.ts';
export type { StunProbeOptions, StunProbeResult } from './stunProbe.ts';
export { parseCoturnLogLine, UsageTracker } from './usage.ts';
export type { CoturnLogEvent, ParsedLogLine, TrafficCounters, TurnUsageRecord } from './usage.ts';
export { toCoturnRange, IpRangeError, hostSubnets, hostAddresses } from './ipRanges.ts';
export { RelayFirewall, renderRelayFirewall } from './RelayFirewall.ts';
export type { RelayFirewallOptions } from './RelayFirewall.ts';
