import { EnhancedEventEmitter } from '@porchlight/runtime';
import { DuplicateError, MissingReferenceError, StoreClosedError } from '../errors.ts';
import type { SqlExecutor } from './SqlExecutor.ts';

export type QueryErrorEvents = {
  /** A statement failed for a reason other than a constraint the caller handles. */
  queryError: [error: unknown];
};

/**
 * Failed queries of the store, as events (alarms count them). Unique and foreign-key violations
 * are answers the repositories turn into outcomes, and a closed store is a shutdown: neither is
 * counted.
 */
export class QueryErrors extends EnhancedEventEmitter<QueryErrorEvents> {
  /** The executor with every failed query reported here; otherwise the same. */
  watch(executor: SqlExecutor): SqlExecutor {
    return {
      dialect: executor.dialect,
      query: async (sql, params) => {
        try {
          return await executor.query(sql, params);
        } catch (error) {
          if (
            !(error instanceof DuplicateError) &&
            !(error instanceof MissingReferenceError) &&
            !(error instanceof StoreClosedError)
          )
            this.safeEmit('queryError', error);
          throw error;
        }
      },
      migrate: () => executor.migrate(),
      close: () => executor.close(),
    };
  }
}
