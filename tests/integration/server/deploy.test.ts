/**
 * The central server as deployed (docs/deploy.md), on a real listening Fastify on 127.0.0.1: liveness
 * and readiness (503 when the database is closed, the data folder refuses writes or free space is
 * under the floor), `--trust-proxy` believing exactly one proxy address (its client's rate-limit
 * bucket, its X-Forwarded-Proto making cookies Secure) and nobody else's headers, and an operator's
 * log: one line per request, none per probe, and a startup line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { initDataDir, openDataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { startServer, type RunningServer, type ServeOptions } from '../../../src/server/serve';
import { proxyAddress, startupSummary } from '../../../src/server/startup';
import { makePackage } from './helpers';

const TRUSTED = '127.0.0.1';
// Linux answers on the whole 127.0.0.0/8: a second loopback address stands for an untrusted machine.
const UNTRUSTED = '127.0.0.2';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen source address, so the server sees that peer. */
function call(
  server: RunningServer,
  path: string,
  options: { from?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, server.url);
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from ?? TRUSTED,
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const running: RunningServer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function dataDir(parent?: string): { dir: string; password: string } {
  const dir = parent ?? mkdtempSync(join(tmpdir(), 'isoloir-deploy-'));
  if (!parent) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const { password } = initDataDir(dir);
  return { dir, password };
}

async function serve(dir: string, options: ServeOptions = {}): Promise<RunningServer> {
  const server = await startServer(dir, { port: 0, logger: false, ...options });
  running.push(server);
  const published = publishElection(server.data.store, server.data.authority, makePackage(), new Date());
  if (!published.ok) throw new Error(published.error.message);
  return server;
}

describe('health and readiness', () => {
  it('answers /healthz and /readyz when everything works', async () => {
    const server = await serve(dataDir().dir);
    const live = await call(server, '/healthz');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toEqual({ status: 'ok' });
    const ready = await call(server, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'ready',
      checks: { database: true, authority: true, disk: true },
    });
    expect(ready.headers['cache-control']).toBe('no-store');
  });

  it('is not ready once the database is closed, while still alive', async () => {
    const server = await serve(dataDir().dir);
    server.data.store.close();
    const ready = await call(server, '/readyz');
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.body) as { error: string; message: string; checks: object };
    expect(body.error).toBe('not_ready');
    expect(body.message).toMatch(/^Serveur pas prêt : database : la base de données ne répond pas/);
    expect(body.checks).toEqual({ database: false, authority: true, disk: true });
    expect((await call(server, '/healthz')).status).toBe(200);
  });

  it('is not ready when the free space of the data folder is under the floor', async () => {
    const server = await serve(dataDir().dir, { readyMinFreeBytes: Number.MAX_SAFE_INTEGER });
    const ready = await call(server, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({
      message: expect.stringContaining('espace libre insuffisant'),
      checks: { database: true, authority: true, disk: false },
    });
  });

  it('is not ready while the data folder refuses writes, and ready again after', async (ctx) => {
    // Mode bits refuse nothing to root and a file system holding an open database cannot be remounted
    // read-only: the refusal used is a full file system (a small tmpfs filled up), as on a real disk.
    const mountPoint = mkdtempSync(join(tmpdir(), 'isoloir-full-'));
    cleanups.push(() => rmSync(mountPoint, { recursive: true, force: true }));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      console.log(`readyz full-disk check skipped: cannot mount a tmpfs here (${String(error)})`);
      ctx.skip();
      return;
    }
    cleanups.push(() => execFileSync('umount', ['-l', mountPoint]));
    const dir = join(mountPoint, 'data');
    mkdirSync(dir);
    // No free-space floor: the write itself must fail.
    const server = await serve(dataDir(dir).dir, { readyMinFreeBytes: 0 });
    expect((await call(server, '/readyz')).status).toBe(200);
    const filler = join(mountPoint, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { stdio: 'pipe' });
    } catch {
      // dd stops with "No space left on device": the file system is full, as wanted
    }
    const refused = await call(server, '/readyz');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({
      message: expect.stringContaining('ENOSPC'),
      checks: { database: true, authority: true, disk: false },
    });
    expect((await call(server, '/healthz')).status).toBe(200);
    rmSync(filler);
    expect((await call(server, '/readyz')).status).toBe(200);
  });
});

describe('the authority key as a systemd credential', () => {
  it('is read from $CREDENTIALS_DIRECTORY when the unit passes it, and the folder needs no copy', async () => {
    const { dir } = dataDir();
    const credentials = mkdtempSync(join(tmpdir(), 'isoloir-credentials-'));
    cleanups.push(() => rmSync(credentials, { recursive: true, force: true }));
    renameSync(join(dir, 'authority.key'), join(credentials, 'authority.key'));
    expect(() => openDataDir(dir).store.close()).toThrow(/n’est pas initialisé/);
    const before = process.env['CREDENTIALS_DIRECTORY'];
    process.env['CREDENTIALS_DIRECTORY'] = credentials;
    cleanups.push(() => {
      if (before === undefined) delete process.env['CREDENTIALS_DIRECTORY'];
      else process.env['CREDENTIALS_DIRECTORY'] = before;
    });
    const server = await serve(dir);
    const ready = await call(server, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ checks: { authority: true } });
  });
});

describe('behind a reverse proxy (--trust-proxy)', () => {
  const enrol = (server: RunningServer, from: string, client?: string) =>
    call(server, '/api/v1/kiosks', {
      from,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(client ? { 'x-forwarded-for': client } : {}),
      },
      body: JSON.stringify({ code: 'WRONG-CODE', publicKey: 'x', label: 'x' }),
    });

  it('counts rate limits per client behind the trusted proxy, and per peer for anyone else', async () => {
    const server = await serve(dataDir().dir, { trustProxy: TRUSTED, enrolPerMinute: 2 });
    // Two clients behind the proxy: each has its own two attempts.
    for (const client of ['203.0.113.7', '203.0.113.8']) {
      expect((await enrol(server, TRUSTED, client)).status).not.toBe(429);
      expect((await enrol(server, TRUSTED, client)).status).not.toBe(429);
      expect((await enrol(server, TRUSTED, client)).status).toBe(429);
    }
    // The same header from another address is ignored: a new X-Forwarded-For each time buys nothing.
    expect((await enrol(server, UNTRUSTED, '198.51.100.1')).status).not.toBe(429);
    expect((await enrol(server, UNTRUSTED, '198.51.100.2')).status).not.toBe(429);
    expect((await enrol(server, UNTRUSTED, '198.51.100.3')).status).toBe(429);
    // Nor can it spend a proxied client's attempts: 203.0.113.9 still has both.
    expect((await enrol(server, TRUSTED, '203.0.113.9')).status).not.toBe(429);
  });

  it('ignores forwarded headers when no proxy is trusted', async () => {
    const server = await serve(dataDir().dir, { enrolPerMinute: 1 });
    expect((await enrol(server, TRUSTED, '203.0.113.7')).status).not.toBe(429);
    expect((await enrol(server, TRUSTED, '203.0.113.8')).status).toBe(429);
  });

  it('makes cookies Secure when the trusted proxy says https, and only then', async () => {
    const { dir, password } = dataDir();
    const server = await serve(dir, { trustProxy: TRUSTED });
    const loginCookie = async (from: string, proto?: string) => {
      const page = await call(server, '/admin/connexion', {
        from,
        headers: proto ? { 'x-forwarded-proto': proto } : {},
      });
      expect(page.status).toBe(200);
      const cookie = [page.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('isoloir_login='));
      expect(cookie).toBeDefined();
      return { cookie: cookie ?? '', body: page.body };
    };
    expect((await loginCookie(TRUSTED, 'https')).cookie).toMatch(/;\s*Secure/i);
    expect((await loginCookie(TRUSTED)).cookie).not.toMatch(/;\s*Secure/i);
    expect((await loginCookie(UNTRUSTED, 'https')).cookie).not.toMatch(/;\s*Secure/i);

    // The admin session itself, after a real login through the proxy.
    const { cookie, body } = await loginCookie(TRUSTED, 'https');
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const login = await call(server, '/admin/connexion', {
      from: TRUSTED,
      method: 'POST',
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.7',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookie.split(';')[0] ?? '',
      },
      body: new URLSearchParams({ csrf, password }).toString(),
    });
    expect(login.status).toBe(303);
    const session = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('isoloir_admin='));
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
  });

  it('accepts one IP address as the proxy, nothing vaguer', () => {
    expect(proxyAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(proxyAddress(' ::1 ')).toBe('::1');
    for (const vague of ['127.0.0.0/8', 'localhost', '127.0.0.1,10.0.0.1', 'true', ''])
      expect(proxyAddress(vague), vague).toBeNull();
  });
});

describe('what the operator reads', () => {
  it('logs one line per request with method, route, status and time, none per probe', async () => {
    let logs = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    const server = await serve(dataDir().dir, { logger: { level: 'info', stream } });
    for (let i = 0; i < 3; i++) {
      expect((await call(server, '/healthz')).status).toBe(200);
      expect((await call(server, '/readyz')).status).toBe(200);
    }
    expect((await call(server, '/api/v1/election')).status).toBe(200);
    expect((await call(server, '/api/v1/receipts/7K3F-Q9XM')).status).toBe(404);
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => 'req' in l);
    expect(lines.map((l) => [l['req'], (l['res'] as { statusCode: number }).statusCode])).toEqual([
      [{ method: 'GET', route: '/api/v1/election' }, 200],
      [{ method: 'GET', route: '/api/v1/receipts/:code' }, 404],
    ]);
    for (const line of lines) expect(typeof line['responseTime']).toBe('number');
    expect(logs).not.toContain('7K3F-Q9XM');
  });

  it('sums up the server at startup: address, data folder, proxy, election and its phase', async () => {
    const { dir } = dataDir();
    const server = await serve(dir, { trustProxy: TRUSTED });
    const summary = startupSummary(
      server.data.store,
      { url: server.url, dataDir: dir, trustProxy: TRUSTED },
      new Date(),
    );
    expect(summary).toEqual({
      url: server.url,
      dataDir: dir,
      trustProxy: TRUSTED,
      electionId: 'test-2026',
      opensAt: expect.any(String),
      closesAt: expect.any(String),
      phase: 'open',
      choicesEmbargoed: true,
    });
    const after = new Date(Date.parse(summary.closesAt ?? '') + 1000);
    expect(startupSummary(server.data.store, { url: server.url, dataDir: dir }, after)).toMatchObject({
      phase: 'closed',
      choicesEmbargoed: false,
      trustProxy: null,
    });
  });
});
