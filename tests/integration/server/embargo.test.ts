/**
 * The embargo on a real server (Fastify, SQLite file, signed v2 batches): before the close in the signed
 * package every public and admin answer is asked for, and none carries a project's votes, an allocation
 * or a breakdown of choices; the exports are refused `embargoed`. The same data folder served with a
 * clock past the close shows them; served with `liveResults` before the close, it shows them with the
 * demonstration banner on every page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp, type AppOptions } from '../../../src/server/app';
import { setAdminPassword } from '../../../src/server/datadir';
import { EmbargoedResults, PublicKioskState } from '../../../src/server/publication';
import { Chain, enrolKiosk, post, startTestServer, type TestKiosk, type TestServer } from './helpers';

const PASSWORD = 'mot-de-passe-embargo';
let server: TestServer;
let kiosks: TestKiosk[];
/** Expected votes per project, made of ballot lists chosen so that every project's total differs. */
const expectedVotes: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer({ web: true, liveResults: false });
  setAdminPassword(server.data.store, PASSWORD);
  kiosks = [await enrolKiosk(server, 'Comptoir A'), await enrolKiosk(server, 'Comptoir B')];
  const k = server.pkg.batchSize;
  for (const [i, kiosk] of kiosks.entries()) {
    const ballots = Array.from({ length: k }, (_, j) =>
      j < 7 ? ['jardin', 'velo'] : j < 9 ? ['ecole'] : [i === 0 ? 'repair' : 'theatre'],
    );
    for (const b of ballots) for (const id of b) expectedVotes[id] = (expectedVotes[id] ?? 0) + 1;
    const sent = await post(server.app, new Chain(kiosk, server.pkg).add({ ballotList: ballots }));
    expect(sent.status).toBe(201);
  }
});

afterAll(async () => {
  await server.close();
});

/** Another app on the same data folder (same store), with its own options. */
async function appWith(options: AppOptions): Promise<FastifyInstance> {
  return buildApp(
    { store: server.data.store, authority: server.data.authority, dbPath: server.dbPath },
    { web: true, ...options },
  );
}

async function adminCookie(app: FastifyInstance): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/admin/connexion' });
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const loginCookie = form.cookies.find((c) => c.name === 'isoloir_login')?.value ?? '';
  const login = await app.inject({
    method: 'POST',
    url: '/admin/connexion',
    headers: { cookie: `isoloir_login=${loginCookie}` },
    payload: { password: PASSWORD, csrf },
  });
  expect(login.statusCode).toBe(303);
  return `isoloir_admin=${login.cookies.find((c) => c.name === 'isoloir_admin')?.value ?? ''}`;
}

const PUBLIC_PAGES = ['/', '/?lang=en', '/recu', '/recu?lang=en', '/admin/connexion'];
const ADMIN_PAGES = ['/admin/bornes', '/admin/anomalies', '/admin/codes', '/admin/exports'];

/** Every answer a member of the public or an admin can get, by path. */
async function everything(app: FastifyInstance): Promise<Map<string, string>> {
  const cookie = await adminCookie(app);
  const bodies = new Map<string, string>();
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method: 'GET', url, headers });
    bodies.set(`${url}${headers['cookie'] ? ' (admin)' : ''}`, `${res.statusCode}\n${res.body}`);
  };
  await get('/api/v1/results');
  await get('/api/v1/results', { cookie });
  for (const kiosk of kiosks) {
    await get(`/api/v1/kiosks/${kiosk.kioskId}`);
  }
  for (const url of PUBLIC_PAGES) await get(url);
  for (const url of ADMIN_PAGES) await get(url, { cookie });
  await get('/admin/exports/audit', { cookie });
  await get('/admin/exports/pabulib', { cookie });
  return bodies;
}

/** What only the choices can tell: project titles beside numbers, votes, allocations. */
function choicesIn(body: string): string[] {
  const found: string[] = [];
  if (/"votes"\s*:/.test(body)) found.push('"votes" field');
  if (/"projects"\s*:|"allocation"\s*:|"byKiosk"\s*:|"byAgeBracket"\s*:/.test(body))
    found.push('choice fields');
  if (/Projet (jardin|velo|ecole|repair|theatre)/.test(body)) found.push('project title');
  if (/Voix par projet|Votes per project|Projets financés|Funded projects/.test(body))
    found.push('results section');
  if (/^approval|^VOTES|"ballots"\s*:\s*\[/m.test(body)) found.push('ballot list');
  return found;
}

describe('before the close', () => {
  test('no answer, public or admin, carries a choice; participation is served', async () => {
    const bodies = await everything(server.app);
    for (const [url, body] of bodies) expect(choicesIn(body), url).toEqual([]);

    const results = EmbargoedResults.parse(JSON.parse(bodies.get('/api/v1/results')?.split('\n')[1] ?? ''));
    expect(results).toMatchObject({
      embargoed: true,
      closesAt: server.pkg.closesAt,
      ballots: 2 * server.pkg.batchSize,
      participations: 2 * server.pkg.batchSize,
    });
    expect(results.byTerritory.reduce((s, t) => s + t.participations, 0)).toBe(2 * server.pkg.batchSize);
    expect(bodies.get('/')).toContain('seront publiées à la clôture du vote');
    expect(bodies.get('/')).toContain('Participants par territoire');
  });

  test('the public kiosk state carries no seq, head or time; the kiosk itself still gets them', async () => {
    const res = await server.app.inject({ method: 'GET', url: `/api/v1/kiosks/${kiosks[0]?.kioskId ?? ''}` });
    const body = res.json<Record<string, unknown>>();
    expect(PublicKioskState.parse(body).ballots).toBeNull();
    expect(Object.keys(body).sort()).toEqual(['ballots', 'flagged', 'kioskId', 'label']);
  });

  test('the exports are refused with the stable code embargoed and a French message', async () => {
    const cookie = await adminCookie(server.app);
    for (const url of ['/admin/exports/audit', '/admin/exports/pabulib']) {
      const res = await server.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['x-isoloir-error']).toBe('embargoed');
      expect(res.body).toContain('embargo jusqu’à la clôture du vote');
    }
  });
});

describe('after the close', () => {
  test('the results, the allocation and the exports appear', async () => {
    const after = new Date(Date.parse(server.pkg.closesAt) + 60_000);
    const app = await appWith({ now: () => after });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/results' });
      const body = res.json<{
        embargoed: boolean;
        liveResults?: boolean;
        projects: { id: string; votes: number }[];
      }>();
      expect(body.embargoed).toBe(false);
      expect(body.liveResults).toBeUndefined();
      expect(
        Object.fromEntries(body.projects.filter((p) => p.votes > 0).map((p) => [p.id, p.votes])),
      ).toEqual(expectedVotes);
      const cookie = await adminCookie(app);
      const audit = await app.inject({ method: 'GET', url: '/admin/exports/audit', headers: { cookie } });
      expect(audit.statusCode).toBe(200);
      const state = await app.inject({ method: 'GET', url: `/api/v1/kiosks/${kiosks[0]?.kioskId ?? ''}` });
      expect(state.json<{ ballots: number | null }>().ballots).toBe(server.pkg.batchSize);
      expect(state.json<Record<string, unknown>>()['highWater']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  test('the results page draws the chart, the rules side by side and no demo banner', async () => {
    // The page reads the server's clock for the date it shows; the phase comes from the injected one.
    const after = new Date(Date.parse(server.pkg.closesAt) + 60_000);
    const app = await appWith({ now: () => after });
    try {
      const page = (await app.inject({ method: 'GET', url: '/' })).body;
      expect(page).toMatch(
        /<svg[^>]*role="img"[^>]*aria-labelledby="chart-projects-title chart-projects-desc"/,
      );
      expect(page).toContain('Projet jardin');
      expect(page).toContain('id="rule-greedy"');
      expect(page).toContain('id="rule-mes"');
      expect(page).not.toContain('demo-banner');
    } finally {
      await app.close();
    }
  });
});

describe('with the embargo lifted for a demonstration', () => {
  test('choices appear, the API says liveResults, and every page shows the banner', async () => {
    const app = await appWith({ liveResults: true });
    try {
      const bodies = await everything(app);
      const results = JSON.parse(bodies.get('/api/v1/results')?.split('\n')[1] ?? '') as Record<
        string,
        unknown
      >;
      expect(results['liveResults']).toBe(true);
      expect(results['embargoed']).toBe(false);
      for (const [url, body] of bodies) {
        if (!body.includes('<html')) continue;
        const english = url.includes('lang=en');
        expect(body, url).toContain(
          english
            ? 'Demonstration: results shown while voting is open'
            : 'Démonstration : résultats affichés pendant le vote',
        );
      }
      const pages = [...bodies.keys()].filter((url) => bodies.get(url)?.includes('<html'));
      expect(pages.length).toBe(PUBLIC_PAGES.length + ADMIN_PAGES.length);
      expect(bodies.get('/')).toContain('Projet jardin');
      // The detector of the first test sees choices here: its empty findings there are not vacuous.
      for (const url of ['/api/v1/results', '/', '/admin/exports/audit (admin)'])
        expect(choicesIn(bodies.get(url) ?? ''), url).not.toEqual([]);
    } finally {
      await app.close();
    }
  });
});
