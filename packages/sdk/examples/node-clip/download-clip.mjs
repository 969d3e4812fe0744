#!/usr/bin/env node
// Lists a site's cameras and downloads an MP4 clip of the latest recording of one of them,
// authenticated with a scoped API key (scopes: site:read and stream:view-live to list the
// cameras, stream:view-recording for the clip).
//
//   npm install @porchlight/sdk
//   PORCHLIGHT_URL=https://porchlight.example PORCHLIGHT_API_KEY=plk_... \
//   PORCHLIGHT_SITE=<site id> node download-clip.mjs [out.mp4] [seconds]
import { createApiKeyClient, downloadClip, describeApiError } from '@porchlight/sdk/node';

const { PORCHLIGHT_URL: url, PORCHLIGHT_API_KEY: apiKey, PORCHLIGHT_SITE: siteId } = process.env;
const [out = 'clip.mp4', seconds = '10'] = process.argv.slice(2);
if (!url || !apiKey || !siteId) {
  console.error('set PORCHLIGHT_URL, PORCHLIGHT_API_KEY and PORCHLIGHT_SITE');
  process.exit(2);
}

const api = createApiKeyClient({ url, apiKey });
try {
  const cameras = (await api.listDevices(siteId)).filter((d) => d.kind === 'camera' && !d.revoked);
  for (const c of cameras)
    console.log(`camera ${c.id} ${JSON.stringify(c.name)} ${c.online ? 'online' : 'offline'}`);

  // The most recent recorded range of the first camera that has one, in the last hour.
  const now = Date.now();
  for (const camera of cameras) {
    const { ranges } = await api.getRecordingTimeline(siteId, camera.id, {
      from: now - 3_600_000,
      to: now,
    });
    const last = ranges.at(-1);
    if (!last) continue;
    const from = Math.max(last.from, last.to - Number(seconds) * 1000);
    const { bytes } = await downloadClip(
      api,
      { siteId, deviceId: camera.id, from, to: last.to },
      out,
    );
    console.log(`clip ${out} ${bytes} bytes of ${JSON.stringify(camera.name)}`);
    process.exit(0);
  }
  console.error('no camera has a recording in the last hour');
  process.exit(1);
} catch (error) {
  console.error(`failed: ${describeApiError(error)}`);
  process.exit(1);
}
