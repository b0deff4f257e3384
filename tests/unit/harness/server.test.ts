/**
 * The browser harness's transport, on a real Fastify listening on 127.0.0.1: the per-launch secret, the
 * Host guard, the body limit, zod parsing through dispatch(), and the static renderer with the same CSP
 * as Electron. The core here is a small in-test `KioskHandlers` that records calls (a fake of the core,
 * to prove the transport never reaches it for a refused request); tests/unit/harness/kiosk-http.test.ts
 * drives the real core.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HARNESS_TOKEN_HEADER, httpPath, kioskMethods, type KioskHandlers } from '../../../src/shared/api';
import { contentSecurityPolicy } from '../../../src/shared/csp';
import { ok } from '../../../src/shared/result';
import {
  HARNESS_BODY_LIMIT,
  startHarness,
  tokenMatches,
  type Harness,
} from '../../../src/main/harness/server';
import { call, send } from './http';

const calls: { method: string; input: unknown }[] = [];
const status = {
  kioskId: 'a'.repeat(32),
  label: null,
  enrolled: false,
  state: 'no_election',
  training: false,
  election: null,
  ballotsCast: 0,
};
const core = Object.fromEntries(
  kioskMethods.map((method) => [
    method,
    (input: unknown) => {
      calls.push({ method, input });
      if (method === 'searchCommunes') throw new Error('boom');
      return ok(method === 'setTraining' ? { ...status, training: true } : status);
    },
  ]),
) as unknown as KioskHandlers;

const dir = mkdtempSync(join(tmpdir(), 'isoloir-harness-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosque</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
writeFileSync(join(dir, 'secret.txt'), 'do-not-serve');

/** The secret with its last character changed. */
const almostRight = (token: string): string => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

let harness: Harness;
let auth: Record<string, string>;
beforeAll(async () => {
  harness = await startHarness({ kiosk: { handlers: core }, rendererDir });
  auth = { [HARNESS_TOKEN_HEADER]: harness.token };
});
afterAll(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  calls.length = 0;
});

describe('startHarness', () => {
  it('listens on 127.0.0.1 and gives the secret in the URL fragment only', () => {
    expect(harness.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(harness.url).toBe(`${harness.origin}/#token=${harness.token}`);
    // 32 random bytes, base64url: 43 characters.
    expect(harness.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('makes a new secret for every launch', async () => {
    const other = await startHarness({ kiosk: { handlers: core }, rendererDir: null });
    try {
      expect(other.token).not.toBe(harness.token);
      expect(other.port).not.toBe(harness.port);
    } finally {
      await other.close();
    }
  });

  it('closes at once even with a connection that never sent a request (a browser preconnect)', async () => {
    const other = await startHarness({ kiosk: { handlers: core }, rendererDir: null });
    const socket = connect(other.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closedBy = (ms: number) =>
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
    // Before forceCloseConnections this waited for Node's request timeout (minutes).
    expect(await Promise.race([other.close().then(() => 'closed' as const), closedBy(5000)])).toBe('closed');
    await new Promise((resolve) => (socket.destroyed ? resolve(null) : socket.once('close', resolve)));
  });
});

describe('the API', () => {
  it('answers the core’s Result to an authorised call, with the input parsed', async () => {
    const res = await call(harness.origin, httpPath('setTraining'), { training: true }, auth);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, value: { ...status, training: true } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(calls).toEqual([{ method: 'setTraining', input: { training: true } }]);
  });

  it('refuses a missing, wrong, or almost-right secret with 401, without reaching the core', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { [HARNESS_TOKEN_HEADER]: '' },
      { [HARNESS_TOKEN_HEADER]: 'wrong' },
      { [HARNESS_TOKEN_HEADER]: almostRight(harness.token) },
      { [HARNESS_TOKEN_HEADER]: harness.token.slice(0, -1) },
      { [HARNESS_TOKEN_HEADER]: `${harness.token}x` },
      { authorization: `Bearer ${harness.token}` },
    ];
    for (const headers of attempts) {
      const res = await call(harness.origin, httpPath('setTraining'), { training: true }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(calls).toEqual([]);
  });

  it('answers invalid_input to a bad payload, an unknown method or broken JSON, without reaching the core', async () => {
    const bad = await call(harness.origin, httpPath('setTraining'), { training: 'oui' }, auth);
    expect(bad.status).toBe(200);
    expect(bad.json()).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'training' } },
    });
    const extra = await call(harness.origin, httpPath('setTraining'), { training: true, admin: true }, auth);
    expect(extra.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await call(harness.origin, '/api/kiosk/dropDatabase', {}, auth);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const proto = await call(harness.origin, '/api/kiosk/__proto__', {}, auth);
    expect(proto.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const broken = await send(harness.origin, {
      method: 'POST',
      path: httpPath('setTraining'),
      headers: { 'content-type': 'application/json', ...auth },
      body: '{"training": tru',
    });
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(calls).toEqual([]);
  });

  it('answers invalid_input to a path the router refuses (a name too long, a broken escape)', async () => {
    for (const path of [`/api/kiosk/${'a'.repeat(101)}`, '/api/kiosk/%zz']) {
      const res = await call(harness.origin, path, {}, auth);
      expect(res.status, path).toBe(400);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses a body over 64 KiB with 413, without reaching the core', async () => {
    const res = await call(
      harness.origin,
      httpPath('searchCommunes'),
      { query: 'x'.repeat(HARNESS_BODY_LIMIT) },
      auth,
    );
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(calls).toEqual([]);
  });

  it('turns a core that throws into an internal Result, not a stack trace', async () => {
    const res = await call(harness.origin, httpPath('searchCommunes'), { query: 'arr' }, auth);
    expect(res.json()).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(res.body).not.toContain('boom');
  });

  it('refuses a foreign Host header (DNS rebinding) on the API and on pages', async () => {
    for (const host of [
      'evil.example:80',
      `evil.example:${harness.port}`,
      `127.0.0.1:${harness.port + 1}`,
      '127.0.0.1',
    ]) {
      const api = await call(harness.origin, httpPath('setTraining'), { training: true }, { ...auth, host });
      expect(api.status, host).toBe(403);
      const page = await send(harness.origin, { path: '/', headers: { host } });
      expect(page.status, host).toBe(403);
      expect(page.body).not.toContain('kiosque');
    }
    expect(calls).toEqual([]);
    const local = await call(
      harness.origin,
      httpPath('getStatus'),
      {},
      { ...auth, host: `localhost:${harness.port}` },
    );
    expect(local.status).toBe(200);
  });
});

describe('the Origin header', () => {
  it('refuses an API call from a foreign page even with the secret, accepts our own pages', async () => {
    for (const origin of [
      'http://evil.example',
      `https://127.0.0.1:${harness.port}`,
      'null',
      `http://127.0.0.1:1`,
    ]) {
      const res = await call(
        harness.origin,
        httpPath('setTraining'),
        { training: true },
        { ...auth, origin },
      );
      expect(res.status, origin).toBe(403);
    }
    expect(calls).toEqual([]);
    for (const origin of [harness.origin, `http://localhost:${harness.port}`]) {
      const res = await call(harness.origin, httpPath('getStatus'), {}, { ...auth, origin });
      expect(res.status, origin).toBe(200);
    }
  });
});

describe('the renderer', () => {
  it('is served with the same CSP as the Electron window', async () => {
    const page = await send(harness.origin, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>kiosque</title>');
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy());
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const script = await send(harness.origin, { path: '/assets/app.js' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await send(harness.origin, { path });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('do-not-serve');
    }
  });
});

describe('tokenMatches', () => {
  it('accepts only the exact secret', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(tokenMatches(['abc'], 'abc')).toBe(false);
  });
});
