import { PorchlightError } from '../errors.ts';
import { ErrorCode } from '@porchlight/protocol';

/** Redis could not be reached at start-up (cluster mode cannot run without it). */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}

/**
 * Another node answered an RPC with an error. The remote PorchlightError's code and message are
 * kept, so a caller can pass a refusal on to its client unchanged.
 */
export class ClusterRpcError extends PorchlightError {
  override readonly name = 'ClusterRpcError';
  constructor(
    code: ErrorCode,
    message: string,
    readonly nodeId: string,
  ) {
    super(code, message);
  }
}

/** The node did not answer in time (dead, overloaded, or partitioned from Redis). */
export class ClusterRpcTimeoutError extends PorchlightError {
  override readonly name = 'ClusterRpcTimeoutError';
  constructor(
    readonly nodeId: string,
    readonly method: string,
  ) {
    super(ErrorCode.Unavailable, `node ${nodeId} did not answer ${method} in time`);
  }
}
