/**
 * @porchlight/protocol/vocabulary: the REST routes' methods and paths and the contract's enums,
 * without any schema. Browser bundles import this; the schemas (and zod) load only where used.
 */
export * from './rest/enums.ts';
export * from './rest/endpoints.ts';
export * from './rest/sessionCookie.ts';
export * from './alarms.ts';
export * from './webhookEvents.ts';
export * from './version.ts';
