import { execFile } from 'node:child_process';
import net from 'node:net';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('RelayFirewall');

export interface RelayFirewallOptions {
  /** nftables table name (inet family); unique per coturn instance. */
  table: string;
  /** coturn's relay port range: the source ports of everything it relays to peers. */
  relayPorts: { min: number; max: number };
  /** This host's own addresses: relayed packets to them are dropped unless to `allowedPorts`. */
  hostAddresses: readonly string[];
  /** The SFU's UDP ports (mediasoup WebRtcServer): the only host ports a relay may reach. */
  allowedPorts: readonly number[];
  /** nft binary. Default /usr/sbin/nft. */
  nft?: string;
}

/**
 * coturn permissions are per address, not per port: `allowed-peer-ip=<SFU address>` lets a relay
 * reach every UDP service of the host (finding 1). This nftables table closes the gap on the host:
 * packets leaving coturn's relay ports (its relay sockets never use any other source port) for one
 * of the host's own addresses are dropped unless they go to the SFU's ports. Needs CAP_NET_ADMIN.
 * `fib saddr type local` keeps it to packets the host sent itself (a remote client's source port
 * may fall in the range too).
 */
export function renderRelayFirewall(o: RelayFirewallOptions): string {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(o.table)) throw new Error(`bad nft table name ${o.table}`);
  const ports = o.allowedPorts.map((p) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`bad port ${p}`);
    return String(p);
  });
  const { min, max } = o.relayPorts;
  const v4 = o.hostAddresses.filter((a) => net.isIPv4(a));
  const v6 = o.hostAddresses.filter((a) => net.isIPv6(a));
  const notAllowed = ports.length ? ` udp dport != { ${ports.join(', ')} }` : '';
  const rule = (family: 'ip' | 'ip6', addrs: string[]): string[] =>
    addrs.length
      ? [
          `    fib saddr type local udp sport ${min}-${max} ${family} daddr { ${addrs.join(', ')} }` +
            `${notAllowed} drop`,
        ]
      : [];
  return [
    `table inet ${o.table} {`,
    // Input, not output: a drop on output fails coturn's sendto (EPERM), which ends the whole
    // allocation, the SFU's traffic included; on input the probe just vanishes.
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    ...rule('ip', v4),
    ...rule('ip6', v6),
    '  }',
    '}',
    '',
  ].join('\n');
}

function nft(bin: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, (error, _out, stderr) =>
      error
        ? reject(new Error(`nft ${args.join(' ')}: ${stderr.trim() || error.message}`))
        : resolve(),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The installed table; `close()` removes it (idempotent). */
export class RelayFirewall {
  readonly #bin: string;
  readonly #table: string;
  #closed = false;

  private constructor(bin: string, table: string) {
    this.#bin = bin;
    this.#table = table;
  }

  /** Installs (replacing a leftover table of the same name). Throws when nft refuses. */
  static async install(o: RelayFirewallOptions): Promise<RelayFirewall> {
    const bin = o.nft ?? '/usr/sbin/nft';
    const script = renderRelayFirewall(o);
    await nft(bin, ['delete', 'table', 'inet', o.table]).catch(() => undefined);
    await nft(bin, ['-f', '-'], script);
    logger.info('relay firewall installed', { table: o.table, allowedPorts: o.allowedPorts });
    return new RelayFirewall(bin, o.table);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await nft(this.#bin, ['delete', 'table', 'inet', this.#table]).catch((error: unknown) =>
      logger.warn('could not remove the relay firewall', { error }),
    );
  }
}
