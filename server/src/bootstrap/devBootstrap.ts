import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TokenService } from '../auth/TokenService.ts';

export interface BootstrapSite {
  siteId: string;
  name: string;
}

export interface BootstrapLinks {
  site: BootstrapSite;
  viewerUrl: string;
  cameraUrl: string;
}

/**
 * Dev bootstrap: makes sure a first site exists (kept in dataDir/bootstrap.json) and mints a
 * viewer link and a camera link for it. Tokens ride in the URL fragment, which browsers never send
 * to the server, so they stay out of access logs and Referer headers.
 */
export async function devBootstrap(options: {
  dataDir: string;
  baseUrl: string;
  tokens: TokenService;
  viewerTtl: number;
  cameraTtl: number;
}): Promise<BootstrapLinks> {
  const file = path.join(options.dataDir, 'bootstrap.json');
  let site: BootstrapSite | undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BootstrapSite>;
    if (typeof parsed.siteId === 'string' && typeof parsed.name === 'string') {
      site = { siteId: parsed.siteId, name: parsed.name };
    }
  } catch {
    // First run (or an unreadable file, which we replace).
  }
  if (!site) {
    site = { siteId: randomUUID(), name: 'Home' };
    fs.mkdirSync(options.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(site, null, 2) + '\n', { mode: 0o600 });
  }
  const viewer = await options.tokens.mint({
    subject: 'owner',
    siteId: site.siteId,
    role: 'viewer',
    ttlSeconds: options.viewerTtl,
  });
  const camera = await options.tokens.mint({
    subject: `camera-${randomUUID().slice(0, 8)}`,
    siteId: site.siteId,
    role: 'camera',
    label: 'Camera',
    ttlSeconds: options.cameraTtl,
  });
  return {
    site,
    viewerUrl: `${options.baseUrl}/#token=${viewer}`,
    cameraUrl: `${options.baseUrl}/#token=${camera}`,
  };
}
