export { EnhancedEventEmitter, type Events } from './EnhancedEventEmitter.ts';
export {
  LOG_LEVELS,
  Logger,
  createLogger,
  getLogLevel,
  isLogLevel,
  setLogLevel,
  setLogSink,
  type LogFields,
  type LogLevel,
} from './logging/Logger.ts';
export type { LogSink } from './logging/sinks.ts';
