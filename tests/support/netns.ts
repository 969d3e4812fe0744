import { execFileSync } from 'node:child_process';

/**
 * A network namespace joined to the host by a veth pair: the host side is `hostIp`, the
 * namespace side `nsIp` with a default route through the host, so a process run in it (see
 * `exec`) reaches a server bound to `hostIp` over a real link that faults can be put on:
 * random loss and blackouts with nftables, a bandwidth cap with tc tbf (the kernel here has no
 * netem; delay and jitter come from {@link ./udpJitterRelay.ts}). Needs root.
 */
export class NetNamespace {
  readonly name: string;
  readonly hostIp: string;
  readonly nsIp: string;
  readonly #hostIf: string;
  readonly #nsIf: string;
  #closed = false;

  /** `index` (0..63) picks the /30 in 10.231.<pid-derived>.0/24, unique per process and namespace. */
  constructor(index: number) {
    const tag = `${process.pid % 100_000}x${index}`;
    this.name = `pl-nf-${tag}`;
    this.#hostIf = `plh${tag}`;
    this.#nsIf = `pln${tag}`;
    const base = index * 4;
    const octet = 16 + (process.pid % 224);
    this.hostIp = `10.231.${octet}.${base + 1}`;
    this.nsIp = `10.231.${octet}.${base + 2}`;
    ip('netns', 'add', this.name);
    try {
      ip('link', 'add', this.#hostIf, 'type', 'veth', 'peer', 'name', this.#nsIf);
      ip('link', 'set', this.#nsIf, 'netns', this.name);
      ip('addr', 'add', `${this.hostIp}/30`, 'dev', this.#hostIf);
      ip('link', 'set', this.#hostIf, 'up');
      this.ip('addr', 'add', `${this.nsIp}/30`, 'dev', this.#nsIf);
      this.ip('link', 'set', this.#nsIf, 'up');
      this.ip('link', 'set', 'lo', 'up');
      this.ip('route', 'add', 'default', 'via', this.hostIp);
      this.nft(`add table inet fault
        add chain inet fault in { type filter hook input priority 0; }
        add chain inet fault out { type filter hook output priority 0; }`);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** argv prefix running a command inside the namespace. */
  exec(...argv: string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...argv];
  }

  /** Drops `percent` % of UDP packets at random in each direction (0 lifts it). */
  loss(percent: number): void {
    this.clearRules();
    if (percent <= 0) return;
    const rule = `meta l4proto udp numgen random mod 100 < ${Math.round(percent)} drop`;
    this.nft(`add rule inet fault in ${rule}\nadd rule inet fault out ${rule}`);
  }

  /** Drops every packet both ways (signaling too), as a pulled cable does; `false` restores. */
  blackout(on: boolean): void {
    this.clearRules();
    if (on) this.nft('add rule inet fault in drop\nadd rule inet fault out drop');
  }

  /**
   * A firewall between this namespace and `address` that lets through only the listed ports, both
   * ways (UDP and TCP separately): e.g. the server's HTTPS and TURN ports but not the SFU's media
   * ports. With `udp: 'none'` every UDP packet leaving or entering the namespace is dropped, to
   * anywhere (a network that allows TCP only).
   */
  only(address: string, allow: { tcp: number[]; udp: number[] | 'none' }): void {
    this.clearRules();
    const set = (ports: number[]): string => `{ ${ports.join(', ')} }`;
    const rules = [
      `add rule inet fault out ip daddr ${address} tcp dport != ${set(allow.tcp)} drop`,
      `add rule inet fault in ip saddr ${address} tcp sport != ${set(allow.tcp)} drop`,
    ];
    if (allow.udp === 'none') {
      rules.push(
        'add rule inet fault out oifname != "lo" meta l4proto udp drop',
        'add rule inet fault in iifname != "lo" meta l4proto udp drop',
      );
    } else if (allow.udp.length === 0) {
      rules.push(
        `add rule inet fault out ip daddr ${address} meta l4proto udp drop`,
        `add rule inet fault in ip saddr ${address} meta l4proto udp drop`,
      );
    } else {
      rules.push(
        `add rule inet fault out ip daddr ${address} udp dport != ${set(allow.udp)} drop`,
        `add rule inet fault in ip saddr ${address} udp sport != ${set(allow.udp)} drop`,
      );
    }
    this.nft(rules.join('\n'));
  }

  /** Redirects UDP from the namespace to `to` (address:port) to `via` (a relay on the host). */
  redirectUdp(to: { address: string; port: number }, via: { address: string; port: number }): void {
    this.nft(`add table ip relay
      add chain ip relay out { type nat hook output priority -100; }
      add rule ip relay out ip daddr ${to.address} udp dport ${to.port} dnat to ${via.address}:${via.port}`);
  }

  /**
   * Caps the link at `kbit` kbit/s with a token bucket (0 lifts it): 'up' shapes what leaves the
   * namespace, 'down' what the host sends into it.
   */
  cap(kbit: number, direction: 'up' | 'down'): void {
    const [dev, prefix] =
      direction === 'up'
        ? [this.#nsIf, ['ip', 'netns', 'exec', this.name, 'tc']]
        : [this.#hostIf, ['tc']];
    const tc = (...args: string[]): void => {
      execFileSync(prefix[0]!, [...prefix.slice(1), 'qdisc', ...args], { stdio: 'pipe' });
    };
    try {
      tc('del', 'dev', dev, 'root');
    } catch {
      // No qdisc of ours yet.
    }
    if (kbit > 0)
      tc(
        'add',
        'dev',
        dev,
        'root',
        'tbf',
        'rate',
        `${kbit}kbit`,
        'burst',
        '8kb',
        'latency',
        '200ms',
      );
  }

  /** Undoes redirectUdp. */
  clearRedirect(): void {
    this.nft('delete table ip relay');
  }

  clearRules(): void {
    this.nft('flush chain inet fault in\nflush chain inet fault out');
  }

  /** Idempotent: deleting the namespace deletes its veth end, which deletes the pair. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      ip('netns', 'del', this.name);
    } catch {
      // Already gone.
    }
    try {
      ip('link', 'del', this.#hostIf);
    } catch {
      // Went with the namespace.
    }
  }

  private ip(...args: string[]): void {
    ip('-n', this.name, ...args);
  }

  private nft(script: string): void {
    execFileSync('ip', ['netns', 'exec', this.name, 'nft', '-f', '-'], {
      input: script,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}
