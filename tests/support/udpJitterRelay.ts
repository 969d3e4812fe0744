import dgram from 'node:dgram';

/**
 * Delay, jitter and reordering for UDP, which the kernel here cannot do (no netem): a relay on
 * the host that a namespace's traffic to `target` is redirected to (NetNamespace.redirectUdp).
 * Every datagram, both ways, is held `delayMs` ± `jitterMs` (uniform) on its own timer, so
 * packets overtake each other as they do on a jittery path. The namespace's conntrack rewrites
 * replies back to the target's address, so the client's ICE still sees the SFU; the SFU sees the
 * relay's per-client socket as a peer-reflexive candidate.
 */
export class UdpJitterRelay {
  readonly #front: dgram.Socket;
  readonly #upstreams = new Map<string, dgram.Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;
  /** Datagrams relayed, and how many of them left before one that arrived earlier. */
  readonly stats = { relayed: 0, reordered: 0 };
  #lastSentSeq = 0;
  #seq = 0;

  private constructor(
    private readonly bindAddress: string,
    private readonly target: { address: string; port: number },
    private readonly delayMs: number,
    private readonly jitterMs: number,
  ) {
    this.#front = dgram.createSocket('udp4');
  }

  static async start(o: {
    bindAddress: string;
    target: { address: string; port: number };
    delayMs: number;
    jitterMs: number;
  }): Promise<UdpJitterRelay> {
    const relay = new UdpJitterRelay(o.bindAddress, o.target, o.delayMs, o.jitterMs);
    await relay.#listen();
    return relay;
  }

  get port(): number {
    return this.#front.address().port;
  }

  async #listen(): Promise<void> {
    this.#front.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let up = this.#upstreams.get(key);
      if (!up) {
        up = dgram.createSocket('udp4');
        up.bind(0, this.bindAddress);
        up.on('message', (back) =>
          this.#later(() => this.#front.send(back, from.port, from.address)),
        );
        up.on('error', () => undefined);
        this.#upstreams.set(key, up);
      }
      const socket = up;
      this.#later(() => socket.send(msg, this.target.port, this.target.address));
    });
    this.#front.on('error', () => undefined);
    await new Promise<void>((resolve) => this.#front.bind(0, this.bindAddress, resolve));
  }

  #later(send: () => void): void {
    const seq = ++this.#seq;
    const delay = this.delayMs + (Math.random() * 2 - 1) * this.jitterMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#closed) return;
      this.stats.relayed++;
      if (seq < this.#lastSentSeq) this.stats.reordered++;
      this.#lastSentSeq = Math.max(this.#lastSentSeq, seq);
      send();
    }, delay);
    this.#timers.add(timer);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#front.close();
    for (const up of this.#upstreams.values()) up.close();
  }
}
