/**
 * The server's logs (pino, through Fastify) never carry a choice, a participation token, a ballot id, an
 * enrolment code, a password or a key, whatever the request: we run a full session with a real logger
 * writing to memory and search the output for every secret of that session.
 */
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { signBytes } from '../../../src/shared/node/crypto';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { generateKeyPair } from '../../../src/shared/node/crypto';
import { Chain, post, startTestServer } from './helpers';
import { enrolRequest } from './enrol-request';

test('no secret, choice, token or ballot id in the logs', async () => {
  let logs = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const server = await startTestServer({ logger: { level: 'debug', stream } });
  try {
    const code = createEnrolmentCode(server.data.store, 'Comptoir', 1, new Date());
    if (!code.ok) throw new Error('code');
    const keys = generateKeyPair();
    const enrol = await server.app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      payload: enrolRequest(code.value.code, keys, 'x'),
    });
    expect(enrol.statusCode, enrol.body).toBe(201);
    const kiosk = {
      ...enrol.json<{ kioskId: string; participationKey: string; authorityPublicKey: string }>(),
      keys,
    };
    const chain = new Chain(kiosk, server.pkg);
    await post(server.app, chain.add());
    await post(server.app, chain.add()); // accepted
    await post(server.app, { ...chain.add(), signature: 'A'.repeat(86) }); // refused
    const code0 = chain.receiptCodes[0]?.[0] ?? '';
    await server.app.inject({ method: 'GET', url: `/api/v1/receipts/${code0}` });
    await server.app.inject({
      method: 'GET',
      url: `/api/v1/receipts/${code0.replace('-', '')}?kiosk=${kiosk.kioskId}`,
    });
    const time = new Date().toISOString();
    const sig = signBytes('register', Buffer.from(`${kiosk.kioskId}\n\n${time}`), keys.privateKey);
    await server.app.inject({
      method: 'GET',
      url: '/api/v1/participations',
      headers: { 'x-isoloir-kiosk': kiosk.kioskId, 'x-isoloir-time': time, 'x-isoloir-signature': sig },
    });

    expect(logs).toMatch(/batch acknowledged/); // the logger did run
    // One line per request, written when it completes: route, status, time and the batch's outcome
    // (three synchronous lines per batch were a measurable share of a batch's cost, docs/server.md).
    const batchLines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reqId?: string; req?: { route?: string }; msg: string })
      .filter((l) => l.req?.route === '/api/v1/batches');
    expect(batchLines.map((l) => l.msg)).toEqual([
      'batch acknowledged',
      'batch acknowledged',
      'batch refused',
    ]);
    expect(new Set(batchLines.map((l) => l.reqId)).size).toBe(3);
    expect(logs).not.toMatch(/incoming request/);
    expect(logs).toMatch(/"route":"\/api\/v1\/batches"/); // requests are logged, by route
    const secrets = [
      code.value.code,
      code.value.code.replace(/-/g, ''),
      kiosk.participationKey,
      keys.privateKey,
      sig,
      ...chain.receiptCodes.flat(),
      ...chain.receiptCodes.flat().map((c) => c.replace('-', '')),
      ...chain.payloads.flatMap((p) => p.receipts),
      ...chain.participationDocuments.flatMap((d) => d.items.map((x) => x.token)),
      ...chain.envelopes.map((e) => e.participations.slice(0, 40)),
      ...chain.envelopes.map((e) => e.payload.slice(0, 40)),
    ];
    for (const secret of secrets) expect(logs.includes(secret), secret).toBe(false);
    // Choices: no project id of the package ever appears in a log line.
    for (const project of server.pkg.projects) expect(logs).not.toMatch(new RegExp(`\\b${project.id}\\b`));
  } finally {
    await server.close();
  }
});
