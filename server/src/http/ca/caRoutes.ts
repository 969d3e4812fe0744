import type { HttpApp } from '../HttpServer.ts';
import type { LocalCaCert } from '../tls.ts';
import { localCaPage, realCertificatePage } from './caPage.ts';
import { mobileconfig } from './mobileconfig.ts';

/**
 * /ca: how to trust the local CA, and its certificate as DER, PEM and an iOS profile. No login:
 * it is public data, and a device that does not trust the CA yet reaches it by clicking through
 * the warning once (no plain-HTTP listener: docs/security.md). With a configured certificate the
 * page says so and there is nothing to download.
 */
export function registerCaRoutes(app: HttpApp, ca: LocalCaCert | undefined): void {
  app.get('/ca', async (_req, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(ca ? localCaPage(ca) : realCertificatePage()),
  );
  // Typed by hand on a phone: without this the home app's page would answer it.
  app.get('/ca/', async (_req, reply) => reply.redirect('/ca', 301));
  const files: Record<string, { type: string; body: (c: LocalCaCert) => string | Buffer }> = {
    'porchlight-ca.crt': { type: 'application/x-x509-ca-cert', body: (c) => c.der },
    'porchlight-ca.pem': { type: 'application/x-pem-file', body: (c) => c.pem },
    'porchlight-ca.mobileconfig': { type: 'application/x-apple-aspen-config', body: mobileconfig },
  };
  for (const [name, file] of Object.entries(files)) {
    app.get(`/ca/${name}`, async (_req, reply) => {
      if (!ca) {
        return reply.status(404).send({
          error: { code: 'NOT_FOUND', message: 'a configured certificate is in use: no local CA' },
        });
      }
      return reply
        .header('cache-control', 'no-cache')
        .header('content-disposition', `attachment; filename="${name}"`)
        .type(file.type)
        .send(file.body(ca));
    });
  }
}
