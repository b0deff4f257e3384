/**
 * No secret in any log (a Playwright spec without a browser, beside the page tests it shares data with): the real central server, with its pino logger at `info` captured in memory,
 * serves a receipt check (the receipt code, as printed and as typed), a failed and a successful admin login, an
 * enrolment code creation and a logout; the log must contain none of those values nor the session id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect, test } from '@playwright/test';
import { initDataDir, openDataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode } from '../../src/server/enrolment';
import { startServer, type RunningServer } from '../../src/server/serve';
import { enrolRequest } from '../integration/server/enrol-request';
import { newTestKiosk, nextBatch, testElection, votes } from './server-data';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let dir = '';
let server: RunningServer;
let password = '';

const cookiesOf = (response: Response): string[] => response.headers.getSetCookie();
const cookieValue = (setCookies: string[], name: string): string | undefined =>
  setCookies
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1);

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isoloir-web-logs-'));
  password = initDataDir(dir).password;
  const data = openDataDir(dir);
  const published = publishElection(data.store, data.authority, testElection(), new Date());
  data.store.close();
  expect(published.ok).toBe(true);
  server = await startServer(dir, { port: 0, logger: { level: 'info', stream: sink } });
});

test.afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test.describe('web pages and the request log', () => {
  test('never log a receipt code, a password, an enrolment code or a session id', async () => {
    const url = server.url;
    // A kiosk votes for real, so the receipt check has something to find.
    const kiosk = newTestKiosk('Comptoir de Liévin');
    const enrolCode = createEnrolmentCode(server.data.store, kiosk.label, 1, new Date());
    if (!enrolCode.ok) throw new Error(enrolCode.error.message);
    const enrol = await fetch(`${url}/api/v1/kiosks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(enrolRequest(enrolCode.value.code, kiosk.keys, kiosk.label, url)),
    });
    expect(enrol.status).toBe(201);
    const election = testElection();
    const batch = nextBatch(kiosk, election.electionId, votes(election.batchSize));
    const upload = await fetch(`${url}/api/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch.envelope),
    });
    expect(upload.status).toBe(201);
    const receipt = batch.receiptCodes[0]!;

    for (const code of [receipt, receipt.replace('-', '').toLowerCase()]) {
      const page = await fetch(`${url}/recu?code=${encodeURIComponent(code)}`);
      expect(await page.text()).toContain('Oui, votre bulletin est bien compté.');
    }

    const loginForm = await fetch(`${url}/admin/connexion`);
    const loginToken = cookieValue(cookiesOf(loginForm), 'isoloir_login') ?? '';
    const csrfField = /name="csrf" value="([^"]+)"/.exec(await loginForm.text())?.[1] ?? '';
    expect(csrfField).toBe(loginToken);
    const post = (path: string, form: Record<string, string>, cookie: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams(form).toString(),
      });
    const wrongPassword = 'mauvais-mot-de-passe-tres-reconnaissable';
    expect(
      (
        await post(
          '/admin/connexion',
          { password: wrongPassword, csrf: loginToken },
          `isoloir_login=${loginToken}`,
        )
      ).status,
    ).toBe(401);
    const loggedIn = await post(
      '/admin/connexion',
      { password, csrf: loginToken },
      `isoloir_login=${loginToken}`,
    );
    expect(loggedIn.status).toBe(303);
    const sessionId = cookieValue(cookiesOf(loggedIn), 'isoloir_admin') ?? '';
    expect(sessionId).not.toBe('');
    const codesPage = await fetch(`${url}/admin/codes`, {
      headers: { cookie: `isoloir_admin=${sessionId}` },
    });
    const sessionCsrf = /name="csrf" value="([^"]+)"/.exec(await codesPage.text())?.[1] ?? '';
    const created = await post(
      '/admin/codes',
      { csrf: sessionCsrf, label: 'Borne B', hours: '2' },
      `isoloir_admin=${sessionId}`,
    );
    const newCode = /id="new-code">([^<]+)</.exec(await created.text())?.[1]?.trim() ?? '';
    expect(newCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(
      (await post('/admin/deconnexion', { csrf: sessionCsrf }, `isoloir_admin=${sessionId}`)).status,
    ).toBe(303);

    const log = logLines.join('');
    // The log did record these requests (so the test can fail), but none of the secrets.
    expect(log).toContain('/admin/connexion');
    expect(log).toContain('/admin/codes');
    for (const secret of [
      receipt,
      receipt.replace('-', ''),
      receipt.replace('-', '').toLowerCase(),
      password,
      wrongPassword,
      enrolCode.value.code,
      newCode,
      sessionId,
      sessionCsrf,
      loginToken,
    ])
      expect(log, 'a secret reached the log').not.toContain(secret);
  });
});
