/**
 * The kiosk's HTTP client against a real HTTP server on 127.0.0.1: an answer larger than the cap is not
 * read past the cap (a server that never stops sending does not fill the kiosk's memory), with or
 * without a Content-Length; an answer under the cap is read whole.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson } from './http';

const CAP = 4096;
let server: Server;
let base: string;
/** Bytes the endless route had written when the client went away. */
let endlessWritten = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/small') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, pad: 'x'.repeat(CAP / 2) }));
    } else if (req.url === '/declared') {
      const body = JSON.stringify({ pad: 'x'.repeat(CAP * 4) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      // Chunked, no length, and it never ends on its own: only the client's cancel stops it.
      res.writeHead(200, { 'content-type': 'application/json' });
      endlessWritten = 0;
      res.write('{"pad":"');
      const chunk = 'x'.repeat(1024);
      const timer = setInterval(() => {
        endlessWritten += chunk.length;
        res.write(chunk);
      }, 1);
      res.on('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('response size cap', () => {
  it('reads an answer under the cap whole', async () => {
    const answer = await requestJson(`${base}/small`, { method: 'GET' }, { maxBytes: CAP });
    expect(answer.kind).toBe('ok');
    if (answer.kind === 'ok') expect(answer.body).toMatchObject({ ok: true });
  });

  it('refuses a declared length above the cap without reading it', async () => {
    const answer = await requestJson(`${base}/declared`, { method: 'GET' }, { maxBytes: CAP });
    expect(answer).toEqual({ kind: 'transient', reason: 'not_isoloir', status: 200 });
  });

  it('stops reading an endless answer at the cap', async () => {
    const answer = await requestJson(
      `${base}/endless`,
      { method: 'GET' },
      { maxBytes: CAP, timeoutMs: 10_000 },
    );
    expect(answer).toEqual({ kind: 'transient', reason: 'not_isoloir', status: 200 });
    // The client went away long before the 10 s timeout: the server saw its connection close.
    expect(endlessWritten).toBeLessThan(CAP * 64);
  });
});
