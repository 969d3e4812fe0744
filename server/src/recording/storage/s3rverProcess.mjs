// s3rver for the storage tests, in a process of its own so that it can run with
// --openssl-legacy-provider: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES,
// which OpenSSL 3 (Node >= 17) only offers in its legacy provider; without it every listing
// longer than one page fails with HTTP 500 (ERR_OSSL_EVP_UNSUPPORTED).
// Protocol (IPC): -> { type: 'ready', port } | { type: 'failed', message };
// <- { type: 'requests' } answered with { type: 'requests', requests }; <- { type: 'stop' }.
import { createRequire } from 'node:module';

const S3rver = createRequire(import.meta.url)('s3rver');
const directory = process.argv[2];
// A restart after a crash (fault tests) comes back on the same port.
const port = Number(process.argv[3] ?? 0);
const requests = [];
const server = new S3rver({
  address: '127.0.0.1',
  port,
  silent: true,
  directory,
  configureBuckets: [],
});

// Set S3RVER_DEBUG=1 to see the errors behind 500 answers (the SDK retries those). Known one:
// a DeleteObjects races itself pruning empty directories (ENOENT, scandir).
if (process.env.S3RVER_DEBUG) {
  server.on('error', (error, ctx) => console.error(`s3rver: ${ctx?.method} ${ctx?.url}:`, error));
}

try {
  const { port } = await server.run();
  server.httpServer.on('request', (req, res) => {
    const request = { method: req.method, url: req.url, status: 0 };
    requests.push(request);
    res.on('finish', () => (request.status = res.statusCode));
  });
  process.send({ type: 'ready', port });
} catch (error) {
  process.send({ type: 'failed', message: String(error?.stack ?? error) });
  process.exit(1);
}

process.on('message', (message) => {
  if (message.type === 'requests') process.send({ type: 'requests', requests });
  if (message.type === 'stop') {
    server.httpServer.closeAllConnections();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
// The test process died or dropped us: do not linger.
process.on('disconnect', () => process.exit(0));
