import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorCode } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';
import type { ClusterBus } from './ClusterBus.ts';
import { ClusterRpcError, ClusterRpcTimeoutError } from './errors.ts';

const logger = createLogger('cluster.rpc');

/** Default time a call waits for its answer. */
export const RPC_TIMEOUT_MS = 5_000;

/** Request/response to one named node, over the bus. */
export interface ClusterRpc {
  handle<Q, R>(
    method: string,
    schema: z.ZodType<Q>,
    fn: (req: Q, fromNode: string) => Promise<R>,
  ): void;
  /** Rejects with ClusterRpcError (the remote refusal) or ClusterRpcTimeoutError. */
  call<R>(
    nodeId: string,
    method: string,
    req: unknown,
    schema: z.ZodType<R>,
    timeoutMs?: number,
  ): Promise<R>;
}

const requestSchema = z.object({
  id: z.string().min(1).max(64),
  method: z.string().min(1).max(128),
  body: z.unknown(),
});
const replySchema = z.object({
  id: z.string().min(1).max(64),
  ok: z.boolean(),
  body: z.unknown().optional(),
  error: z
    .object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode]),
      message: z.string().max(2000),
    })
    .optional(),
});

interface Pending {
  nodeId: string;
  resolve(body: unknown): void;
  reject(error: Error): void;
}

/**
 * Each node listens on `rpc:<its id>` for requests and `rpc-reply:<its id>` for answers. A handler's
 * PorchlightError travels back as code + message; anything else becomes INTERNAL (logged here).
 */
export class BusRpc implements ClusterRpc {
  readonly #nodeId: string;
  readonly #bus: ClusterBus;
  readonly #handlers = new Map<string, (req: unknown, from: string) => Promise<unknown>>();
  readonly #pending = new Map<string, Pending>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(nodeId: string, bus: ClusterBus) {
    this.#nodeId = nodeId;
    this.#bus = bus;
    this.#unsubscribe.push(
      bus.subscribe(`rpc:${nodeId}`, requestSchema, (req, from) => void this.#serve(req, from)),
      bus.subscribe(`rpc-reply:${nodeId}`, replySchema, (reply) => this.#answer(reply)),
    );
  }

  handle<Q, R>(
    method: string,
    schema: z.ZodType<Q>,
    fn: (req: Q, fromNode: string) => Promise<R>,
  ): void {
    this.#handlers.set(method, async (raw, from) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        throw PorchlightError.badRequest(`${method}: ${parsed.error.issues[0]?.message}`);
      return fn(parsed.data, from);
    });
  }

  async call<R>(
    nodeId: string,
    method: string,
    req: unknown,
    schema: z.ZodType<R>,
    timeoutMs = RPC_TIMEOUT_MS,
  ): Promise<R> {
    // This node: no round trip through Redis (the bus never delivers to its sender).
    if (nodeId === this.#nodeId) return this.#local(method, req, schema);
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ClusterRpcTimeoutError(nodeId, method));
      }, timeoutMs);
      this.#pending.set(id, {
        nodeId,
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
    // If publishing fails, `answer` is never awaited: it must not become an unhandled rejection
    // when close() or the timer settles it later.
    answer.catch(() => undefined);
    try {
      await this.#bus.publish(`rpc:${nodeId}`, { id, method, body: req });
    } catch (error) {
      this.#pending.get(id)?.reject(error as Error);
      this.#pending.delete(id);
      throw error;
    }
    const body = await answer;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ClusterRpcError(
        ErrorCode.Internal,
        `${method}: invalid answer (${parsed.error.issues[0]?.message})`,
        nodeId,
      );
    }
    return parsed.data;
  }

  async #local<R>(method: string, req: unknown, schema: z.ZodType<R>): Promise<R> {
    const handler = this.#handlers.get(method);
    if (!handler) throw PorchlightError.notFound(`cluster method ${method}`);
    return schema.parse(await handler(req, this.#nodeId));
  }

  /** Fails every call still waiting (this node is closing). */
  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    for (const pending of this.#pending.values())
      pending.reject(PorchlightError.unavailable('node is closing'));
    this.#pending.clear();
  }

  async #serve(req: z.infer<typeof requestSchema>, from: string): Promise<void> {
    const handler = this.#handlers.get(req.method);
    let reply: z.infer<typeof replySchema>;
    try {
      if (!handler) throw PorchlightError.notFound(`cluster method ${req.method}`);
      reply = { id: req.id, ok: true, body: await handler(req.body, from) };
    } catch (error) {
      if (!(error instanceof PorchlightError))
        logger.error('cluster request failed', { method: req.method, from, error });
      reply = {
        id: req.id,
        ok: false,
        error:
          error instanceof PorchlightError
            ? { code: error.code, message: error.message }
            : { code: ErrorCode.Internal, message: 'internal error' },
      };
    }
    await this.#bus.publish(`rpc-reply:${from}`, reply).catch((error: unknown) => {
      logger.warn('cluster reply lost', { method: req.method, to: from, error });
    });
  }

  #answer(reply: z.infer<typeof replySchema>): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.body);
    else {
      const error = reply.error ?? { code: ErrorCode.Internal, message: 'internal error' };
      pending.reject(new ClusterRpcError(error.code, error.message, pending.nodeId));
    }
  }
}
