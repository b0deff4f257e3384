/**
 * The supervision pages on a real server listening on 127.0.0.1: a kiosk posts its signed status over
 * HTTP, the admin sees it (and its flags) on /admin/supervision and in /admin/kiosks.csv, downloads a
 * mediator reset the kiosk then takes online once, and answers an offline enrolment request.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { setAdminPassword } from '../../../src/server/datadir';
import { generateKeyPair, signBytes, signDocument, verifyDocument } from '../../../src/shared/node/crypto';
import type { KioskStatusReport } from '../../../src/shared/wire';
import { enrolRequest } from './enrol-request';
import { enrolKiosk, startTestServer, type TestKiosk, type TestServer } from './helpers';
import { packageV2 } from './package-v2';
import { createEnrolmentCode } from '../../../src/server/enrolment';

let server: TestServer;
let base: string;
let kiosk: TestKiosk;
let quiet: TestKiosk;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  server = await startTestServer({ pkg: packageV2(), web: true, silentAfterMinutes: 30 });
  base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  kiosk = await enrolKiosk(server, 'Comptoir de Béthune');
  quiet = await enrolKiosk(server, 'Comptoir muet');
  setAdminPassword(server.data.store, 'mot-de-passe-de-test');
  const form = await fetch(`${base}/admin/connexion`);
  const loginToken = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const loginCookie = /isoloir_login=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const login = await fetch(`${base}/admin/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `isoloir_login=${loginCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password: 'mot-de-passe-de-test', csrf: loginToken }),
  });
  expect(login.status).toBe(303);
  cookie = `isoloir_admin=${/isoloir_admin=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? ''}`;
  const page = await fetch(`${base}/admin/supervision`, { headers: { cookie } });
  csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
});
afterAll(async () => server.close());

const adminPost = (path: string, fields: Record<string, string>) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }),
  });

describe('supervision', () => {
  test('a signed status shows on the page and in the CSV, with its flags', async () => {
    const status: KioskStatusReport = {
      v: 2,
      kioskId: kiosk.kioskId,
      appVersion: '2.1.0',
      clock: new Date(Date.now() + 10 * 60_000).toISOString(),
      freeDiskBytes: 512 * 1024 ** 2,
      pendingBallots: 12,
      day: 'open',
      training: false,
    };
    const sent = await fetch(`${base}/api/v1/kiosks/${kiosk.kioskId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signDocument('kioskStatus', status, kiosk.keys.privateKey)),
    });
    expect(sent.status).toBe(204);

    const page = await (await fetch(`${base}/admin/supervision`, { headers: { cookie } })).text();
    expect(page).toContain('Comptoir de Béthune');
    expect(page).toContain('2.1.0');
    expect(page).toContain('Horloge décalée de plus de 5 minutes');
    expect(page).toContain('Moins de 1 Go libre');
    expect(page).toContain('Aucun état reçu');

    const csv = await fetch(`${base}/admin/kiosks.csv`, { headers: { cookie } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    const line = lines.find((l) => l.startsWith(kiosk.kioskId)) ?? '';
    expect(line).toContain(',2.1.0,');
    expect(line).toContain(',536870912,12,open,false,clock disk');
    // Without a session: the login page, never the data.
    const anonymous = await fetch(`${base}/admin/kiosks.csv`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  test('the reset button downloads a signed reset the kiosk takes online once', async () => {
    const refused = await adminPost('/admin/bornes/reinitialiser-mediateurs', {
      kioskId: quiet.kioskId,
      csrf: 'wrong',
    });
    expect(refused.status).toBe(403);
    const res = await adminPost('/admin/bornes/reinitialiser-mediateurs', { kioskId: quiet.kioskId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`isoloir-mediator-reset-${quiet.kioskId}.json`);
    const file = (await res.json()) as { payload: string; signature: string };
    expect(verifyDocument('mediatorReset', file, server.data.authority.publicKey).ok).toBe(true);
    const take = () => {
      const time = new Date().toISOString();
      return fetch(`${base}/api/v1/kiosks/${quiet.kioskId}/reset`, {
        headers: {
          'x-isoloir-kiosk': quiet.kioskId,
          'x-isoloir-time': time,
          'x-isoloir-signature': signBytes(
            'state',
            Buffer.from(`${quiet.kioskId}\nreset\n${time}`),
            quiet.keys.privateKey,
          ),
        },
      });
    };
    const online = await take();
    expect(online.status).toBe(200);
    expect(await online.json()).toEqual(file);
    expect((await take()).status).toBe(404);
  });

  test('the USB form turns a pasted request into the signed answer file', async () => {
    const code = createEnrolmentCode(server.data.store, 'Comptoir sans réseau', 24, new Date());
    if (!code.ok) throw new Error(code.error.message);
    const request = JSON.stringify(enrolRequest(code.value.code, generateKeyPair(), 'Borne', 'usb:'));
    const res = await adminPost('/admin/inscription-usb', { request });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/isoloir-enrol-answer-[0-9a-f]{32}\.json/);
    const file = (await res.json()) as { payload: string; signature: string };
    expect(verifyDocument('enrolAnswer', file, server.data.authority.publicKey).ok).toBe(true);
    const again = await adminPost('/admin/inscription-usb', { request });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('déjà utilisé');
  });

  test('publishing a corrected package from the dashboard, above the API body limit', async () => {
    const current = server.pkg;
    // Kiosks hold the election and it has opened: only a correction (higher revision, texts and images).
    const image = `data:image/webp;base64,${'A+/b'.repeat(49_000)}`;
    const corrected = {
      ...current,
      revision: 2,
      title: 'Budget citoyen de test (corrigé)',
      projects: current.projects.map((p) => ({ ...p, image })),
    };
    const form = new URLSearchParams({ csrf, package: JSON.stringify(corrected) }).toString();
    expect(form.length).toBeGreaterThan(1024 * 1024);
    const res = await fetch(`${base}/admin/election`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const answer = await res.text();
    expect(res.status, /role="alert">([^<]*)/.exec(answer)?.[1]).toBe(200);
    expect(answer).toContain('est corrigée');
    const election = (await (await fetch(`${base}/api/v1/election`)).json()) as { payload: string };
    expect(JSON.parse(Buffer.from(election.payload, 'base64url').toString('utf8'))).toMatchObject({
      title: 'Budget citoyen de test (corrigé)',
      revision: 2,
    });

    const notJson = await adminPost('/admin/election', { package: '{ pas du json' });
    expect(notJson.status).toBe(422);
    expect(await notJson.text()).toContain('pas du JSON');
    const changedRules = await adminPost('/admin/election', {
      package: JSON.stringify({ ...corrected, revision: 3, maxChoices: 2 }),
    });
    expect(changedRules.status).toBe(422);
  });
});
