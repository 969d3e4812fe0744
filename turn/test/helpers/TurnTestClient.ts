import dgram from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import tls from 'node:tls';
import {
  StunAttr,
  StunClass,
  StunMessage,
  StunMethod,
  longTermKey,
  type StunAddress,
} from '../../src/stun.ts';

/**
 * A small TURN-over-UDP client for tests that need control turnutils_uclient does not give:
 * keep one allocation open across a secret rotation and refresh it afterwards, present a wrong
 * REALM, or ask for a permission to a private address without ever sending data to it.
 * Handles the 401 challenge and 438 stale-nonce retries like a browser's TURN client does.
 */

export interface TurnTestClientOptions {
  server: { host: string; port: number };
  username: string;
  password: string;
  /** Present this realm instead of the one the server challenged with (negative tests). */
  realmOverride?: string;
  /** 'tls': TURN over TLS ("turns:"), certificate not verified (self-signed test certs). */
  transport?: 'udp' | 'tls';
  timeoutMs?: number;
}

export interface TurnResponse {
  ok: boolean;
  code?: number;
  reason?: string;
  message: StunMessage;
}

export class TurnTestClient extends EventEmitter<{ data: [peer: StunAddress, data: Buffer] }> {
  private realm: string | undefined;
  private nonce: string | undefined;
  private readonly pending = new Map<string, (m: StunMessage) => void>();
  /** Requests answered 438 or 401 and retried; tests assert the stale-nonce path ran. */
  staleNonceRetries = 0;

  private streamBuffer = Buffer.alloc(0);

  private constructor(
    private readonly socket: dgram.Socket | tls.TLSSocket,
    private readonly options: TurnTestClientOptions,
  ) {
    super();
    if (socket instanceof dgram.Socket) {
      socket.on('message', (buf) => this.onMessage(buf));
    } else {
      socket.on('data', (chunk: Buffer) => this.onStreamData(chunk));
      socket.on('error', () => undefined); // surfaces as request timeouts
    }
  }

  static async create(options: TurnTestClientOptions): Promise<TurnTestClient> {
    if (options.transport === 'tls') {
      const socket = tls.connect({
        host: options.server.host,
        port: options.server.port,
        rejectUnauthorized: false,
      });
      await once(socket, 'secureConnect');
      return new TurnTestClient(socket, options);
    }
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new TurnTestClient(socket, options);
  }

  /** TLS peer's negotiated protocol, e.g. "TLSv1.2" (undefined over UDP). */
  get tlsProtocol(): string | undefined {
    return this.socket instanceof tls.TLSSocket
      ? (this.socket.getProtocol() ?? undefined)
      : undefined;
  }

  async allocate(lifetime = 600): Promise<TurnResponse & { relayed?: StunAddress }> {
    const res = await this.request(StunMethod.Allocate, (m) =>
      m.addUInt32(StunAttr.RequestedTransport, 17 << 24).addUInt32(StunAttr.Lifetime, lifetime),
    );
    const relayed = res.message.getXorAddress(StunAttr.XorRelayedAddress);
    return relayed ? { ...res, relayed } : res;
  }

  refresh(lifetime: number): Promise<TurnResponse> {
    return this.request(StunMethod.Refresh, (m) => m.addUInt32(StunAttr.Lifetime, lifetime));
  }

  createPermission(peerAddress: string): Promise<TurnResponse> {
    return this.request(StunMethod.CreatePermission, (m) =>
      m.addXorAddress(StunAttr.XorPeerAddress, { address: peerAddress, port: 0 }),
    );
  }

  /** Send indication: unauthenticated, relayed only if a permission for the peer exists. */
  send(peer: { address: string; port: number }, data: Buffer): void {
    const m = new StunMessage(StunMethod.Send, StunClass.Indication)
      .addXorAddress(StunAttr.XorPeerAddress, peer)
      .add(StunAttr.Data, data);
    this.sendRaw(m.encode({ fingerprint: true }));
  }

  /** Next Data indication whose payload equals `payload`. */
  receive(payload: string, timeoutMs = 2000): Promise<StunAddress> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('data', listener);
        reject(new Error(`no relayed "${payload}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (peer: StunAddress, data: Buffer): void => {
        if (data.toString() !== payload) return;
        clearTimeout(timer);
        this.off('data', listener);
        resolve(peer);
      };
      this.on('data', listener);
    });
  }

  close(): void {
    try {
      if (this.socket instanceof dgram.Socket) this.socket.close();
      else this.socket.destroy();
    } catch {
      // already closed
    }
  }

  private async request(
    method: number,
    build: (m: StunMessage) => StunMessage,
    attempt = 0,
  ): Promise<TurnResponse> {
    const msg = build(new StunMessage(method, StunClass.Request));
    let key: Buffer | undefined;
    if (this.realm !== undefined && this.nonce !== undefined) {
      const realm = this.options.realmOverride ?? this.realm;
      msg
        .addString(StunAttr.Username, this.options.username)
        .addString(StunAttr.Realm, realm)
        .addString(StunAttr.Nonce, this.nonce);
      key = longTermKey(this.options.username, realm, this.options.password);
    }
    const response = await this.transact(msg, key);
    const err = response.getError();
    if (response.cls === StunClass.ErrorResponse && err) {
      const nonce = response.getString(StunAttr.Nonce);
      const realm = response.getString(StunAttr.Realm);
      // 401 with a fresh challenge (first contact), or 438 stale nonce: retry once with it.
      if ((err.code === 401 || err.code === 438) && nonce !== undefined && attempt < 2) {
        const firstContact = this.nonce === undefined;
        this.nonce = nonce;
        if (realm !== undefined) this.realm = realm;
        if (err.code === 438) this.staleNonceRetries++;
        if (err.code === 438 || firstContact) return this.request(method, build, attempt + 1);
      }
      return { ok: false, code: err.code, reason: err.reason, message: response };
    }
    return { ok: response.cls === StunClass.SuccessResponse, message: response };
  }

  private transact(msg: StunMessage, key: Buffer | undefined): Promise<StunMessage> {
    const id = msg.transactionId.toString('hex');
    const bytes = msg.encode({ ...(key ? { integrityKey: key } : {}), fingerprint: true });
    const timeoutMs = this.options.timeoutMs ?? 2000;
    const udp = this.socket instanceof dgram.Socket;
    return new Promise((resolve, reject) => {
      // UDP: retransmit every 250 ms until answered (RFC 5389 §7.2.1, simplified); TLS is reliable.
      const resend = setInterval(() => udp && this.sendRaw(bytes), 250);
      const timer = setTimeout(() => {
        clearInterval(resend);
        this.pending.delete(id);
        reject(new Error(`TURN request timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearInterval(resend);
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(m);
      });
      this.sendRaw(bytes);
    });
  }

  private sendRaw(bytes: Buffer): void {
    if (this.socket instanceof dgram.Socket) {
      this.socket.send(bytes, this.options.server.port, this.options.server.host);
    } else {
      this.socket.write(bytes);
    }
  }

  /** STUN over a stream: messages back to back, each sized by its header (RFC 5389 §7.2.2). */
  private onStreamData(chunk: Buffer): void {
    this.streamBuffer = Buffer.concat([this.streamBuffer, chunk]);
    while (this.streamBuffer.length >= 20) {
      const size = 20 + this.streamBuffer.readUInt16BE(2);
      if (this.streamBuffer.length < size) return;
      this.onMessage(this.streamBuffer.subarray(0, size));
      this.streamBuffer = this.streamBuffer.subarray(size);
    }
  }

  private onMessage(buf: Buffer): void {
    if (!StunMessage.isStun(buf)) return;
    const m = StunMessage.decode(buf);
    if (m.cls === StunClass.Indication && m.method === StunMethod.Data) {
      const peer = m.getXorAddress(StunAttr.XorPeerAddress);
      const data = m.get(StunAttr.Data);
      if (peer && data) this.emit('data', peer, data);
      return;
    }
    this.pending.get(m.transactionId.toString('hex'))?.(m);
  }
}
