import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  AnsweredBySchema,
  CallViewSchema,
  UnlockResultSchema,
  VisitorCallSchema,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { ClusterBus } from '../cluster/ClusterBus.ts';
import type { ClusterRpc } from '../cluster/ClusterRpc.ts';
import type { NodeDirectory } from '../cluster/NodeDirectory.ts';
import type { CallService } from './CallService.ts';

const logger = createLogger('CallRouter');

/** How long a node waits for the call's node before telling its client to retry. */
const FORWARD_TIMEOUT_MS = 5_000;
/** Answerer changes of calls owned elsewhere (for the talk guard of rooms on this node). */
const CALLS_CHANNEL = 'doorbell.calls';

const id = z.string().min(1).max(128);
const callReq = z.object({ callId: id });
const accountReq = z.object({ callId: id, accountId: id });
const person = z.object({ accountId: id, name: z.string().max(200) });
const callStateSchema = z.object({
  callId: id,
  answerer: id.nullable(),
  ended: z.boolean(),
});
const joinSchema = z.object({ siteId: id, doorId: id });

/**
 * A call lives on the node that took its ring (its timers, its Call object, the visitor's room):
 * `call-owner:<id>` in Redis names that node for the call's lifetime. Any other node forwards the
 * call's operations there over RPC, so the owner's synchronous state machine decides: the first
 * answer wins across nodes and every later one gets CONFLICT. Notifications reach sockets on every
 * node through socket.io's adapter; ended calls close their rooms on every node.
 */
export class CallRouter {
  readonly nodeId: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #rpc: ClusterRpc;
  readonly #bus: ClusterBus;
  readonly #nodes: NodeDirectory;
  /** Answerers of live calls owned by other nodes, from their broadcasts. */
  readonly #answerers = new Map<string, string | null>();
  readonly #unsubscribe: () => void;

  constructor(o: {
    nodeId: string;
    redis: Redis;
    prefix: string;
    rpc: ClusterRpc;
    bus: ClusterBus;
    nodes: NodeDirectory;
    /** A call owned elsewhere ended: close its room on this node. */
    closeRoom: (callId: string) => void;
  }) {
    this.nodeId = o.nodeId;
    this.#redis = o.redis;
    this.#prefix = o.prefix;
    this.#rpc = o.rpc;
    this.#bus = o.bus;
    this.#nodes = o.nodes;
    this.#unsubscribe = o.bus.subscribe(CALLS_CHANNEL, callStateSchema, (m) => {
      if (m.ended) {
        this.#answerers.delete(m.callId);
        o.closeRoom(m.callId);
      } else this.#answerers.set(m.callId, m.answerer);
    });
  }

  /** Serves this node's calls to the others. */
  serve(calls: CallService): void {
    const rpc = this.#rpc;
    rpc.handle('call.find', callReq, ({ callId }) => calls.find(callId));
    rpc.handle('call.visitorFind', callReq, ({ callId }) => calls.visitorFind(callId));
    rpc.handle('call.answer', z.object({ callId: id, by: AnsweredBySchema }), (r) =>
      calls.answer(r.callId, r.by),
    );
    rpc.handle('call.decline', accountReq, (r) => calls.decline(r.callId, r.accountId));
    rpc.handle('call.hangUp', accountReq, (r) => calls.hangUp(r.callId, r.accountId));
    rpc.handle('call.visitorHangUp', callReq, (r) => calls.visitorHangUp(r.callId));
    rpc.handle(
      'call.quickReply',
      z.object({ callId: id, accountId: id, text: z.string().max(1000) }),
      (r) => calls.quickReply(r.callId, r.accountId, r.text),
    );
    rpc.handle('call.replyText', z.object({ callId: id, replyId: id }), (r) =>
      calls.replyText(r.callId, r.replyId),
    );
    rpc.handle('call.unlock', z.object({ callId: id, by: person }), (r) =>
      calls.unlock(r.callId, r.by),
    );
    rpc.handle('call.snapshot', z.object({ callId: id, jpeg: z.string().max(400 * 1024) }), (r) =>
      calls.snapshot(r.callId, Buffer.from(r.jpeg, 'base64')),
    );
    rpc.handle('call.join', callReq, async ({ callId }) => {
      const call = calls.live(callId);
      return { siteId: call.siteId, doorId: call.doorId };
    });
    rpc.handle('call.live', z.object({}), async () =>
      [...calls.liveCalls.values()].map((c) => calls.view(c)),
    );
  }

  /** This node takes the call (it rang here) for at most `ttlMs`. */
  async own(callId: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#ownerKey(callId), this.nodeId, 'PX', Math.ceil(ttlMs));
  }

  /** The call changed: other nodes' rooms learn its answerer, or that it ended. */
  changed(callId: string, answerer: string | null, ended: boolean): void {
    this.#bus.publish(CALLS_CHANNEL, { callId, answerer, ended }).catch((error: unknown) => {
      logger.warn('call change not broadcast', { callId, error });
    });
  }

  /** The call ended and its row is closed: no node owns it any more. */
  release(callId: string): void {
    void this.#redis.del(this.#ownerKey(callId)).catch((error: unknown) => {
      logger.warn('call owner not removed (it expires)', { callId, error });
    });
  }

  /** The node named as the call's owner (live or not), or null when none is. */
  owner(callId: string): Promise<string | null> {
    return this.#redis.get(this.#ownerKey(callId));
  }

  /** The node that owns the call when it is not this one; null for this node or none. */
  async ownerElsewhere(callId: string): Promise<string | null> {
    const owner = await this.#redis.get(this.#ownerKey(callId));
    if (owner === null || owner === this.nodeId) return null;
    // A dead node's calls died with it (their visitors were on it): ended, not a 5 s timeout.
    return this.#nodes.get(owner) ? owner : null;
  }

  /** Whether `accountId` answered a call owned elsewhere (as last broadcast). */
  isRemoteAnswerer(callId: string, accountId: string): boolean {
    return this.#answerers.get(callId) === accountId;
  }

  forward = {
    find: (node: string, callId: string) =>
      this.#call(node, 'call.find', { callId }, CallViewSchema.nullable()),
    visitorFind: (node: string, callId: string) =>
      this.#call(node, 'call.visitorFind', { callId }, VisitorCallSchema.nullable()),
    answer: (node: string, callId: string, by: z.infer<typeof AnsweredBySchema>) =>
      this.#call(node, 'call.answer', { callId, by }, CallViewSchema),
    decline: (node: string, callId: string, accountId: string) =>
      this.#call(node, 'call.decline', { callId, accountId }, CallViewSchema),
    hangUp: (node: string, callId: string, accountId: string) =>
      this.#call(node, 'call.hangUp', { callId, accountId }, CallViewSchema),
    visitorHangUp: (node: string, callId: string) =>
      this.#call(node, 'call.visitorHangUp', { callId }, VisitorCallSchema),
    quickReply: (node: string, callId: string, accountId: string, text: string) =>
      this.#call(
        node,
        'call.quickReply',
        { callId, accountId, text },
        z.object({ sentAt: z.number() }),
      ),
    replyText: (node: string, callId: string, replyId: string) =>
      this.#call(node, 'call.replyText', { callId, replyId }, z.string().max(1000)),
    unlock: (node: string, callId: string, by: z.infer<typeof person>) =>
      this.#call(node, 'call.unlock', { callId, by }, UnlockResultSchema),
    snapshot: (node: string, callId: string, jpeg: Buffer) =>
      this.#call(
        node,
        'call.snapshot',
        { callId, jpeg: jpeg.toString('base64') },
        z.string().max(4096),
      ),
    join: (node: string, callId: string) => this.#call(node, 'call.join', { callId }, joinSchema),
  };

  /** Live calls of every other live node (a node that does not answer in time is left out). */
  async remoteLive(): Promise<z.infer<typeof CallViewSchema>[]> {
    const others = this.#nodes.live().filter((n) => n.id !== this.nodeId);
    const lists = await Promise.all(
      others.map((n) =>
        this.#call(n.id, 'call.live', {}, z.array(CallViewSchema).max(10_000), 2_000).catch(
          (error: unknown) => {
            logger.warn('live calls of a node unavailable', { node: n.id, error });
            return [];
          },
        ),
      ),
    );
    return lists.flat();
  }

  close(): void {
    this.#unsubscribe();
    this.#answerers.clear();
  }

  #call<R>(
    node: string,
    method: string,
    req: unknown,
    schema: z.ZodType<R>,
    timeoutMs = FORWARD_TIMEOUT_MS,
  ): Promise<R> {
    return this.#rpc.call(node, method, req, schema, timeoutMs);
  }

  #ownerKey(callId: string): string {
    return `${this.#prefix}call-owner:${callId}`;
  }
}
