import net from 'node:net';
import os from 'node:os';

/** First non-internal IPv4 address of this host, if any. */
export function lanIPv4(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/**
 * Every non-internal IPv4 address of this host: the server certificate covers each, so a phone
 * reaching the box by any of them gets a valid certificate. (IPv6 ones are left out: temporary
 * privacy addresses change daily and would renew the certificate at every start.)
 */
export function lanIPv4s(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** The names and addresses the server certificate must cover. */
export function certificateHosts(publicHost: string): string[] {
  return [...new Set([publicHost, 'localhost', '127.0.0.1', '::1', ...lanIPv4s()])];
}

/** publicHost as configured, else the LAN address, else localhost. */
export function resolvePublicHost(configured: string): string {
  return configured || lanIPv4() || 'localhost';
}

/** ICE address: configured, else publicHost when it is an IP, else the LAN address, else loopback. */
export function resolveAnnouncedAddress(configured: string, publicHost: string): string {
  if (configured) return configured;
  if (net.isIP(publicHost)) return publicHost;
  return lanIPv4() ?? '127.0.0.1';
}
