/**
 * The fault proxy's own test: each mode does what the sync fault tests rely on, against a plain HTTP
 * server on 127.0.0.1 that counts the requests it fully received.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type FaultProxy } from './proxy';

let upstream: http.Server;
let received: string[] = [];
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      res.end('x'.repeat(5_000));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const address = upstream.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  proxy = await startProxy(address.port);
});

afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

const post = async (body: string, timeoutMs = 2_000): Promise<number | 'error'> => {
  try {
    const res = await fetch(`${proxy.url}/`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return text.length;
  } catch (e) {
    if (process.env.DEBUG_PROXY) console.log(e);
    return 'error';
  }
};

const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('fault proxy', () => {
  it('passes requests and answers untouched', async () => {
    received = [];
    await proxy.setMode({ kind: 'pass' });
    expect(await post('hello')).toBe(5_000);
    expect(received).toEqual(['hello']);
  });

  it('refuses: the request fails and the server sees nothing', async () => {
    received = [];
    await proxy.setMode({ kind: 'refuse' });
    expect(await post('a')).toBe('error');
    expect(received).toEqual([]);
    expect(proxy.stats().fired.refuse).toBeGreaterThan(0);
  });

  it('blackholes until the client gives up', async () => {
    received = [];
    await proxy.setMode({ kind: 'blackhole' });
    expect(await post('a', 300)).toBe('error');
    expect(received).toEqual([]);
  });

  it('cuts mid-request: the server never gets a whole request', async () => {
    received = [];
    await proxy.setMode({ kind: 'cutRequest', bytes: 60 });
    expect(await post('y'.repeat(2_000))).toBe('error');
    await settle();
    expect(received).toEqual([]);
    expect(proxy.stats().fired.cutRequest).toBeGreaterThan(0);
  });

  it('cuts mid-response: the server got the request, the client a partial answer', async () => {
    received = [];
    await proxy.setMode({ kind: 'cutResponse', bytes: 200 });
    expect(await post('z')).toBe('error');
    expect(received).toEqual(['z']);
  });

  it('drops the response after the server answered', async () => {
    received = [];
    await proxy.setMode({ kind: 'dropResponse' });
    expect(await post('w')).toBe('error');
    expect(received).toEqual(['w']);
    expect(proxy.stats().fired.dropResponse).toBeGreaterThan(0);
  });

  it('duplicates every request of a keep-alive connection, some racing the original, and keeps the twins’ answers', async () => {
    received = [];
    await proxy.setMode({ kind: 'duplicate' });
    const connections = proxy.stats().connections;
    // Requests one after the other: Node's fetch carries several on one kept-alive connection.
    for (const body of ['un', 'deux', 'trois']) expect(await post(body)).toBe(5_000);
    await settle(300);
    expect(proxy.stats().connections - connections).toBeLessThan(3);
    expect([...received].sort()).toEqual(['deux', 'deux', 'trois', 'trois', 'un', 'un']);
    const twins = proxy.twins();
    expect(twins).toHaveLength(3);
    expect(twins.every((t) => t.status === 200 && t.body.length === 5_000)).toBe(true);
    expect(twins.every((t) => t.requestLine === 'POST / HTTP/1.1')).toBe(true);
    expect(twins.map((t) => t.concurrent).sort()).toEqual([false, true, true]);
  });

  it('holds the answer to a matching request once the server answered, and reports that request', async () => {
    received = [];
    await proxy.setMode({ kind: 'holdResponse', match: 'POST /', pass: 1 });
    const held = proxy.nextHold();
    expect(await post('passe')).toBe(5_000); // the first matching answer is let through
    expect(await post('retenue', 500)).toBe('error'); // the client never gets the second
    expect(await held).toEqual({ requestLine: 'POST / HTTP/1.1', requestBody: 'retenue' });
    expect(received).toEqual(['passe', 'retenue']); // the server did its work
    expect(proxy.stats().fired.holdResponse).toBe(1);
  });

  it('delays without losing anything', async () => {
    received = [];
    await proxy.setMode({ kind: 'delay', ms: 50 });
    expect(await post('slow')).toBe(5_000);
    expect(received).toEqual(['slow']);
  });

  it('limits a fault to the next N connections', async () => {
    received = [];
    await proxy.setMode({ kind: 'refuse' }, 1);
    expect(await post('1')).toBe('error');
    expect(await post('2')).toBe(5_000);
    expect(received).toEqual(['2']);
  });
});
