/* global document, location, history, URLSearchParams */
// The plain-HTML viewer: no bundler, no framework. `porchlight.js` is the SDK's standalone
// browser build (dist/browser/porchlight.js, every dependency inlined), copied next to this page.
import { PorchlightClient, describeApiError } from './porchlight.js';

const $ = (id) => document.getElementById(id);
let client;

/** Signs in with a token and shows the first camera live (and the next one if it goes away). */
async function watch(token, siteId) {
  client?.close();
  client = new PorchlightClient({ token, ...(siteId ? { siteId } : {}) });
  client.on('stateChanged', (state) => ($('status').textContent = state));
  client.on('error', (error) => ($('status').textContent = `error: ${describeApiError(error)}`));
  let watching;
  const follow = async () => {
    const camera = client.producers.find((p) => p.source === 'camera' && p.kind === 'video');
    if (!camera || watching) return;
    watching = await client.watch(camera.producerId);
    $('camera').textContent = camera.label;
    $('video').srcObject = watching.stream;
    // After a media reset the track in the stream changes: some browsers need re-attaching.
    watching.on('trackChanged', () => ($('video').srcObject = watching.stream));
    watching.on('closed', () => (watching = undefined));
  };
  client.on('producersChanged', () => void follow().catch(console.error));
  await client.connect();
  await follow();
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  void watch($('token').value.trim(), $('site').value.trim()).catch((error) => {
    $('status').textContent = `error: ${describeApiError(error)}`;
  });
});

// Deep link: #token=...&site=... signs in at once (the token never reaches the server's logs).
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get('token')) {
  $('token').value = hash.get('token');
  $('site').value = hash.get('site') ?? '';
  history.replaceState(null, '', location.pathname);
  $('sign-in').requestSubmit();
}
