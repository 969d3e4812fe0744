export * from './errors.ts';
export * from './media.ts';
export * from './messages.ts';
export * from './limits.ts';
export * from './rest/index.ts';
export * from './push.ts';
export * from './detection.ts';
export * from './usage.ts';
