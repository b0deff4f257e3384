/**
 * `serve --tls-cert --tls-key`: the server answers over HTTPS with a certificate made for the test by
 * openssl, and adds HSTS and the CSP's upgrade-insecure-requests to its security headers only then.
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { initDataDir } from '../../../src/server/datadir';
import { startServer } from '../../../src/server/serve';

test('serves the API over TLS with HSTS and upgrade-insecure-requests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-tls-'));
  try {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'tls-key.pem');
    const res = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    expect(res.status, res.stderr).toBe(0);
    initDataDir(join(dir, 'data'));
    const server = await startServer(join(dir, 'data'), { port: 0, tlsCert: cert, tlsKey: key });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await new Promise<{
        status: number;
        hsts: string | undefined;
        csp: string | undefined;
        body: string;
      }>((ok, ko) => {
        const req = request(`${server.url}/api/v1/election`, { rejectUnauthorized: false }, (r) => {
          let body = '';
          r.on('data', (c: Buffer) => (body += c.toString()));
          r.on('end', () =>
            ok({
              status: r.statusCode ?? 0,
              hsts: r.headers['strict-transport-security'],
              csp: String(r.headers['content-security-policy']),
              body,
            }),
          );
        });
        req.on('error', ko);
        req.end();
      });
      expect(answer.status).toBe(404); // nothing published yet: the error shape, over TLS
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'no_election' });
      expect(answer.hsts).toMatch(/max-age=/);
      // Over TLS the pages may ask the browser to upgrade any stray http:// request.
      expect(answer.csp).toContain('upgrade-insecure-requests');
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
