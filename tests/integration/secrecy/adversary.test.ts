/**
 * The observer as an adversary (docs/secrecy.md, "Secrecy once published"): the real server app on
 * 127.0.0.1 and real kiosk cores enrolled against it, voters going through the kiosk API (eligibility
 * with made-up names, cast), counters with 1, 2 and 21 voters and one with more than 2K. After every
 * cast and its sync, each counter's closing of its day, the election's close and every final delivery,
 * the test polls every public endpoint and tries the attacks: diffs between polls, a receipt code to
 * choices, a token (computed with the participation key, as a thief of a kiosk could) to a batch. The
 * docs' observer polls once a second; polling after every event is stronger: no poll can miss a state
 * between two events, so a diff is always one kiosk's one sync. After the close it reads the audit
 * bundle and recounts it with `verify`, which must catch a tampered choice, a dropped batch and a forged
 * signature.
 *
 * One clock drives the server and the kiosks: the embargo follows the server's clock and the final seal
 * the kiosk's, so the close is a clock moved past `closesAt`, not a wait. The final batches, sealed only
 * once the kiosk's clock is past `closesAt`, are accepted within the package's `lateDeliveryHours`. The
 * test also knows the truth (the server's stored batches, each voter's choices): a judge's view the
 * observer does not have, used to say whether what the observer saw could narrow a ballot.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { parseBundleLine, type BatchLine, type BundleLine } from '../../../src/shared/audit-bundle';
import {
  fromBase64url,
  generateKeyPair,
  participationToken,
  receiptCommitment,
  signBytes,
  toBase64url,
} from '../../../src/shared/node/crypto';
import { normaliseName } from '../../../src/shared/text';
import type { BatchPayload, ElectionPackage } from '../../../src/shared/wire';
import { buildApp } from '../../../src/server/app';
import { currentElection } from '../../../src/server/election';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { auditBundleLines, writeLines } from '../../../src/server/exports';
import { decodeStoredParticipations, decodeStoredPayload } from '../../../src/server/tally-cache';
import { verifyBundle } from '../../../src/server/verify/verify';
import {
  enrolledTestKiosk,
  TEST_K,
  tempDir,
  testElection,
  type ServerData,
  type TestKiosk,
} from '../sync/harness';
import { openTestDay, testClock, unwrap, writeCommunesFile } from '../../unit/core/fixtures';
import { Chain, enrolKiosk, startTestServer, type TestServer } from '../server/helpers';

// Real kiosks and a real server on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const K = TEST_K;
const DAY = 86_400_000;

/** Titles no page prints unless it shows choices (the embargoed page lists no project). */
const TITLES = [
  'Jardin des Oyats',
  'Vélorue du Marais',
  'Atelier Réparlotte',
  'Épicerie Solidaire Vauban',
  'Tiers-lieu Kermesse',
  'Ludothèque Mobile Ortie',
  'Fresque Quai Amiral',
  'Verger Partagé Hauteclocque',
];

const base0 = testElection('bc-adversaire');
const election: ElectionPackage = {
  ...base0,
  projects: base0.projects.map((p, i) => ({ ...p, title: TITLES[i] ?? p.title })),
  communeTerritories: {
    '62041': 'arrageois',
    '62498': 'arrageois',
    '62193': 'calaisis',
    '62178': 'calaisis',
  },
};
const COMMUNES = ['62041', '62193', '62498', '62178'];
const projectIds = election.projects.map((p) => p.id);

/** Every distinct choice set of 1 to 3 projects (92 of 8), shuffled: one per voter, so a ballot is known by its choices. */
function distinctChoiceSets(): string[][] {
  const sets: string[][] = [];
  const n = projectIds.length;
  for (let a = 0; a < n; a++) {
    sets.push([projectIds[a] ?? '']);
    for (let b = a + 1; b < n; b++) {
      sets.push([projectIds[a] ?? '', projectIds[b] ?? '']);
      for (let c = b + 1; c < n; c++)
        sets.push([projectIds[a] ?? '', projectIds[b] ?? '', projectIds[c] ?? '']);
    }
  }
  for (let i = sets.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [sets[i], sets[j]] = [sets[j] ?? [], sets[i] ?? []];
  }
  return sets;
}

const FAMILIES = ['Lefrançois', 'Dufossé', 'Carpentier', 'Vasseur', 'Delattre', 'Wattebled', 'Ducrocq'];
const FIRSTS = ['Maëlle', 'Gaspard', 'Inès', 'Théo', 'Zoé', 'Anatole', 'Lina', 'Jules'];

interface Voter {
  kiosk: Counter;
  familyName: string;
  firstName: string;
  birthDate: string;
  communeCode: string;
  choices: string[];
  code: string;
  /** What a holder of the participation key computes from the name and birth date. */
  token: string;
}

interface Counter {
  label: string;
  planned: number;
  t: TestKiosk;
  kioskId: string;
  voters: Voter[];
}

/** One poll: every public endpoint, as the observer keeps it. */
interface Poll {
  /** Endpoint → status and body (page times removed), compared between polls. */
  texts: Map<string, string>;
  results: Record<string, unknown> & { ballots: number; participations: number };
  kioskStates: Record<string, unknown>[];
  /** Receipt code → the API's answer (status and body). */
  receipts: Map<string, { status: number; body: string }>;
  /** Everything public the poll read, for the searches (tokens, hashes). */
  everything: string;
}

let server: TestServer;
let base: string;
const clock = testClock(new Date());
const counters: Counter[] = [];
const voters: Voter[] = [];
let participationKey = '';
let previous: Poll;

const get = async (
  url: string,
  at = base,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${at}${url}`, { redirect: 'manual', headers });
  return { status: res.status, text: await res.text() };
};

/** The page prints the time it was drawn: not something the server knows about the vote. */
const withoutClock = (text: string): string =>
  text
    .replace(/\d{1,2}\s?(h|:)\s?\d{2}(\s?(AM|PM))?/gi, '<heure>')
    .replace(/\d{1,2}\/\d{1,2}\/\d{4}/g, '<date>');

const ADMIN_PAGES = [
  '/admin',
  '/admin/bornes',
  '/admin/anomalies',
  '/admin/codes',
  '/admin/exports',
  '/admin/exports/audit',
  '/admin/exports/pabulib',
  '/admin/supervision',
  '/admin/kiosks.csv',
  '/admin/election',
];

/** Every public endpoint (src/server/app.ts, src/server/health.ts, src/server/web/routes/*), once. */
async function poll(at = base): Promise<Poll> {
  const texts = new Map<string, string>();
  // As served, for the searches: the diffed texts have the page's clock removed.
  const raw: string[] = [];
  const read = async (url: string, headers: Record<string, string> = {}) => {
    const r = await get(url, at, headers);
    texts.set(url, `${r.status}\n${withoutClock(r.text)}`);
    raw.push(r.text);
    return r;
  };
  const results = JSON.parse((await read('/api/v1/results')).text) as Poll['results'];
  await read('/');
  await read('/?lang=en');
  await read('/recu');
  await read('/api/v1/election');
  await read('/healthz');
  await read('/readyz');
  const kioskStates: Record<string, unknown>[] = [];
  for (const c of counters) {
    kioskStates.push(JSON.parse((await read(`/api/v1/kiosks/${c.kioskId}`)).text) as Record<string, unknown>);
    // Routes a kiosk signs: unsigned, or signed by nobody enrolled, they give nothing.
    for (const url of [
      `/api/v1/kiosks/${c.kioskId}/reset`,
      '/api/v1/participations',
      '/api/v1/participations?after=0',
    ])
      expect((await read(url)).status).toBe(401);
    const forged = await read(`/api/v1/participations?kiosk=${c.kioskId}`, {
      'x-isoloir-kiosk': c.kioskId,
      'x-isoloir-time': clock.now().toISOString(),
      'x-isoloir-signature': signBytes('register', Buffer.from('x'), generateKeyPair().privateKey),
    });
    expect(forged.status).toBe(401);
  }
  // The admin pages answer a stranger with the login page's address, nothing else.
  for (const url of ADMIN_PAGES) {
    const r = await get(url, at);
    expect([302, 303], url).toContain(r.status);
  }
  // The login page is public; it carries a fresh form token each time, so it is searched, not diffed.
  const login = await get('/admin/connexion', at);
  expect(login.status).toBe(200);
  const receipts = new Map<string, { status: number; body: string }>();
  for (const v of voters) {
    const r = await get(`/api/v1/receipts/${v.code}`, at);
    receipts.set(v.code, { status: r.status, body: r.text });
  }
  const everything = [...raw, login.text, ...[...receipts.values()].map((r) => r.body)].join('\n');
  return { texts, results, kioskStates, receipts, everything };
}

/** What the server has counted, as the judge sees it: (kiosk, seq) → ballots, receipts, final. */
function counted(): Map<string, BatchPayload> {
  const out = new Map<string, BatchPayload>();
  for (const b of server.data.store.allBatches())
    if (b.status === 'counted') out.set(`${b.kioskId}#${b.seq}`, decodeStoredPayload(b.payload));
  return out;
}

const sameChoices = (a: readonly string[], b: readonly string[]): boolean => a.join(',') === b.join(',');

/**
 * Where the observer could see a choice, for any public answer of this poll: an empty list during the
 * embargo. Returned rather than asserted, so a control can show that the same search finds choices when
 * the embargo is lifted.
 */
function choiceLeaks(p: Poll): string[] {
  const leaks: string[] = [];
  const keys = Object.keys(p.results).sort();
  const allowed = [
    'ballots',
    'byTerritory',
    'closesAt',
    'duplicateParticipations',
    'electionId',
    'embargoed',
    'participations',
  ];
  for (const key of keys) if (!allowed.includes(key)) leaks.push(`results.${key}`);
  if (p.results.embargoed !== true) leaks.push('results not embargoed');
  for (const t of p.results.byTerritory as Record<string, unknown>[])
    for (const key of Object.keys(t))
      if (!['territoryId', 'name', 'participations'].includes(key)) leaks.push(`results.byTerritory.${key}`);
  for (const [url, text] of p.texts) {
    for (const title of TITLES) if (text.includes(title)) leaks.push(`${url} names « ${title} »`);
    for (const id of projectIds)
      if (new RegExp(`\\b${id}\\b`).test(text) && url !== '/api/v1/election')
        leaks.push(`${url} names ${id}`);
  }
  for (const s of p.kioskStates)
    if (s.ballots !== null) leaks.push(`kiosk ${String(s.kioskId)} counts ${String(s.ballots)}`);
  return leaks;
}

/** Checks that hold in every poll, during the vote and after it. */
function checkPoll(p: Poll, phase: 'vote' | 'closed'): void {
  if (phase === 'vote') expect(choiceLeaks(p)).toEqual([]);
  else expect(p.results.embargoed).toBe(false);
  // Public kiosk state: no seq, chain head or time, during the vote or after it.
  for (const s of p.kioskStates)
    expect(Object.keys(s).sort()).toEqual(['ballots', 'flagged', 'kioskId', 'label']);
  const truth = server.data.store.kiosks();
  for (const k of truth) {
    if (k.highWater > 0) expect(p.everything).not.toContain(k.head);
    if (k.lastSeenAt) expect(p.everything).not.toContain(k.lastSeenAt);
  }
  for (const b of server.data.store.allBatches()) {
    expect(p.everything).not.toContain(b.hash);
    expect(p.everything).not.toContain(b.receivedAt);
  }
  // No token of anyone who voted, in any encoding, anywhere public.
  for (const v of voters)
    for (const encoded of tokenEncodings(v.token)) expect(p.everything).not.toContain(encoded);
  // The receipt check: `{included, kiosk, batch}` and nothing else; the batch it names holds the
  // voter's own ballot; "not yet" exactly while that ballot has not arrived.
  const batches = counted();
  for (const v of voters) {
    const answer = p.receipts.get(v.code);
    const holding = [...batches.entries()].filter(([, b]) =>
      b.ballots.some((c) => sameChoices(c, v.choices)),
    );
    expect(holding.length).toBeLessThanOrEqual(1);
    if (answer?.status !== 200) {
      expect(answer?.status).toBe(404);
      expect(holding).toEqual([]);
      continue;
    }
    const body = JSON.parse(answer.body) as { included: boolean; kiosk: string; batch: number };
    expect(Object.keys(body).sort()).toEqual(['batch', 'included', 'kiosk']);
    expect(body.included).toBe(true);
    expect(body.kiosk).toBe(v.kiosk.label);
    const named = batches.get(`${v.kiosk.kioskId}#${body.batch}`);
    expect(holding.map(([key]) => key)).toEqual([`${v.kiosk.kioskId}#${body.batch}`]);
    expect(named?.receipts).toContain(receiptCommitment(v.kiosk.kioskId, v.code));
    const size = named?.ballots.length ?? 0;
    expect(size >= K || size === v.kiosk.voters.length).toBe(true);
  }
}

/**
 * Between two polls: either nothing public moved at all, or one kiosk's batch arrived, and it holds K
 * ballots, or at the close between K and 2K − 1, or the kiosk's whole total. `close`: the clock past
 * `closesAt`, where the results appear without a new ballot.
 */
function checkDiff(
  before: Poll,
  after: Poll,
  event: 'cast' | 'close' | 'final',
  counter: Counter | null,
): void {
  const delta = after.results.ballots - before.results.ballots;
  expect(after.results.participations - before.results.participations).toBe(delta);
  const newlyIncluded = voters.filter(
    (v) => before.receipts.get(v.code)?.status !== 200 && after.receipts.get(v.code)?.status === 200,
  );
  expect(newlyIncluded).toHaveLength(delta);
  if (delta === 0) {
    if (event !== 'close') {
      for (const [url, text] of after.texts) expect(text, url).toBe(before.texts.get(url));
      for (const [code, answer] of before.receipts) expect(after.receipts.get(code)).toEqual(answer);
    }
    return;
  }
  // Whatever arrived came from the one kiosk that synced, in one batch (or its final one).
  expect(new Set(newlyIncluded.map((v) => v.kiosk))).toEqual(new Set([counter]));
  const total = counter?.voters.length ?? 0;
  if (event === 'cast') expect(delta).toBe(K);
  else if (delta < K) expect(delta).toBe(total);
  else expect(delta).toBeLessThan(2 * K);
}

const tokenEncodings = (token: string): string[] => {
  const bytes = Buffer.from(token, 'hex');
  return [token, token.toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
};

async function cast(counter: Counter, n: number, choices: string[]): Promise<Voter> {
  const familyName = `${FAMILIES[n % FAMILIES.length] ?? 'Martin'} ${FAMILIES[(n * 3 + 1) % FAMILIES.length] ?? ''}`;
  const firstName = FIRSTS[n % FIRSTS.length] ?? 'Camille';
  const birthDate = new Date(Date.UTC(1940, 0, 1) + n * 293 * DAY).toISOString().slice(0, 10);
  const communeCode = COMMUNES[n % COMMUNES.length] ?? '62041';
  const { handlers } = counter.t.kiosk;
  const session = await unwrap(
    handlers.checkEligibility({ familyName, firstName, birthDate, communeCode, assisted: n % 7 === 0 }),
  );
  const receipt = await unwrap(handlers.castBallot({ sessionId: session.sessionId, choices }));
  expect(receipt.training).toBe(false);
  const token = participationToken(
    participationKey,
    normaliseName(familyName),
    normaliseName(firstName),
    birthDate,
    election.tokenKdf,
  );
  const voter = {
    kiosk: counter,
    familyName,
    firstName,
    birthDate,
    communeCode,
    choices,
    code: receipt.receiptCode,
    token,
  };
  counter.voters.push(voter);
  voters.push(voter);
  return voter;
}

/** The kiosk's "Synchroniser": a round now; afterwards nothing of it waits. */
async function sync(counter: Counter): Promise<void> {
  const status = await unwrap(counter.t.kiosk.handlers.syncNow({}));
  expect(status.batchesWaiting).toBe(0);
}

beforeAll(async () => {
  server = await startTestServer({
    pkg: election,
    web: true,
    liveResults: false,
    now: clock.now,
    enrolPerMinute: 100,
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
  participationKey = currentElection(server.data.store)?.participationKey ?? '';
  let enrolling = '';
  const data: ServerData = {
    dir: server.dir,
    authorityPublicKey: server.data.authority.publicKey,
    // The server names a kiosk by its code's label (the receipt check answers with it).
    newCode: () => {
      const made = createEnrolmentCode(server.data.store, enrolling, 24, clock.now());
      if (!made.ok) throw new Error(made.error.message);
      return made.value.code;
    },
  };
  const communesPath = writeCommunesFile(tempDir('communes'));
  const opened: TestKiosk[] = [];
  for (const [label, planned] of [
    ['Hameau', 1],
    ['Village', 2],
    ['Bourg', 21],
    ['Ville', 2 * K + 5],
  ] as const) {
    enrolling = label;
    // The loop wakes only when the test syncs: each poll then follows exactly one sync.
    const t = await enrolledTestKiosk(data, base, label, opened, {
      now: clock.now,
      communesPath,
      sync: { idleMs: 3_600_000 },
    });
    await openTestDay(t.kiosk);
    counters.push({ label, planned, t, kioskId: t.kiosk.kioskId, voters: [] });
  }
});

afterAll(async () => {
  for (const c of counters) await c.t.close();
  await server?.close();
});

/** `/recu` for a voter's code, as typed and as the kiosk's link gives it: never a choice, never a token. */
async function checkReceiptPages(v: Voter): Promise<void> {
  const scoped = await get(`/api/v1/receipts/${v.code}?kiosk=${v.kiosk.kioskId}`);
  const plain = await get(`/api/v1/receipts/${v.code.toLowerCase().replace('-', '')}`);
  expect(scoped).toEqual(plain);
  for (const url of [`/recu?code=${v.code}`, `/recu?code=${v.code}&kiosk=${v.kiosk.kioskId}`]) {
    const page = await get(url);
    expect(page.status).toBe(200);
    for (const title of TITLES) expect(page.text).not.toContain(title);
    for (const id of projectIds) expect(page.text).not.toMatch(new RegExp(`\\b${id}\\b`));
    for (const encoded of tokenEncodings(v.token)) expect(page.text).not.toContain(encoded);
  }
}

const countedOf = (c: Counter): BatchPayload[] =>
  [...counted().entries()].filter(([key]) => key.startsWith(`${c.kioskId}#`)).map(([, b]) => b);

describe('the observer', () => {
  test('during the vote: a cast that seals nothing moves nothing public; no choice anywhere; a receipt names its own ballot’s batch of K', async () => {
    const sets = distinctChoiceSets();
    previous = await poll();
    checkPoll(previous, 'vote');
    const remaining = counters.map((c) => c.planned);
    let n = 0;
    // Voters arrive at the counters in turn, the way a day goes; each cast is followed by the kiosk's
    // sync and by a poll of every public endpoint.
    while (remaining.some((r) => r > 0)) {
      for (const [i, counter] of counters.entries()) {
        if ((remaining[i] ?? 0) === 0) continue;
        remaining[i] = (remaining[i] ?? 0) - 1;
        const voter = await cast(counter, n, sets[n] ?? []);
        n += 1;
        await sync(counter);
        const now = await poll();
        checkPoll(now, 'vote');
        checkDiff(previous, now, 'cast', counter);
        await checkReceiptPages(voter);
        previous = now;
      }
    }
    // The evening: closing the day seals nothing, so the held-back ballots stay on the kiosks and
    // nothing public moves; the next morning the days open again.
    for (const counter of counters) {
      await unwrap(counter.t.kiosk.handlers.closeDay({}));
      await sync(counter);
      const now = await poll();
      checkPoll(now, 'vote');
      checkDiff(previous, now, 'cast', counter);
      previous = now;
    }
    clock.advance(DAY);
    for (const counter of counters) await openTestDay(counter.t.kiosk);
    // Nothing of the two smallest counters reached the server (below 2K, all held back); the 21 voters'
    // counter and the larger one each sent one group of K, drawn from 2K.
    expect(counters.map((c) => countedOf(c).map((b) => b.ballots.length))).toEqual([[], [], [K], [K]]);
    expect(previous.results.ballots).toBe(2 * K);
    expect(counters.map((c) => c.t.engine.status().ballotsNotBatched)).toEqual([1, 2, 21 - K, K + 5]);
  });

  test('a kiosk that seals a day’s few ballots as an ordinary batch is refused, and nothing moves', async () => {
    const cheat = await enrolKiosk(server, 'Comptoir pressé');
    const before = await get('/api/v1/results');
    const res = await fetch(`${base}/api/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(new Chain(cheat, server.pkg).add({ ballots: 2 })),
    });
    expect(res.status).toBe(422);
    expect((await get('/api/v1/results')).text).toBe(before.text);
  });

  test('the same polls see choices when the embargo is lifted (serve --live-results): the checks can fail', async () => {
    const live: FastifyInstance = await buildApp(
      { store: server.data.store, authority: server.data.authority, dbPath: server.dbPath },
      { web: true, liveResults: true, now: clock.now },
    );
    try {
      const address = await live.listen({ host: '127.0.0.1', port: 0 });
      const leaks = choiceLeaks(await poll(address));
      expect(leaks).toContain('results.projects');
      expect(leaks).toContain('results.allocation');
      expect(leaks.some((l) => l.startsWith('/ names'))).toBe(true);
      // The embargoed server, at the same moment over the same data: nothing.
      expect(choiceLeaks(await poll())).toEqual([]);
    } finally {
      await live.close();
    }
  });

  test('the close: results appear without a new ballot; each kiosk’s rest arrives as its final batch, ≥ K or its whole total', async () => {
    clock.set(new Date(Date.parse(election.closesAt) + 60_000));
    let now = await poll();
    checkPoll(now, 'closed');
    checkDiff(previous, now, 'close', null);
    previous = now;
    for (const counter of counters) {
      await sync(counter);
      now = await poll();
      checkPoll(now, 'closed');
      checkDiff(previous, now, 'final', counter);
      previous = now;
    }
    expect(previous.results.ballots).toBe(voters.length);
    expect(counters.map((c) => countedOf(c).map((b) => [b.ballots.length, b.final]))).toEqual([
      [[1, true]],
      [[2, true]],
      [
        [K, false],
        [21 - K, true],
      ],
      [
        [K, false],
        [K + 5, true],
      ],
    ]);
    for (const v of voters) {
      expect(previous.receipts.get(v.code)?.status).toBe(200);
      await checkReceiptPages(v);
    }
    // The tokens the test computed are the kiosks' own (the server keeps them, never publishes them):
    // searching the public answers and the bundle for them is a real search.
    const kept = new Set<string>();
    for (const b of server.data.store.allBatches()) {
      const doc = server.data.store.participationDocument(b.kioskId, b.seq);
      if (doc) for (const item of decodeStoredParticipations(doc).items) kept.add(item.token);
    }
    expect(voters.filter((v) => !kept.has(v.token))).toEqual([]);
  });

  test('the audit bundle: no token, no participation beside a ballot, groups of K, a recount that holds and catches tampering', async () => {
    const bundlePath = path.join(server.dir, 'audit.jsonl');
    await writeLines(bundlePath, auditBundleLines(server.dbPath, server.data.authority, clock.now()));
    const text = fs.readFileSync(bundlePath, 'utf8');
    const lines: BundleLine[] = text
      .trimEnd()
      .split('\n')
      .map((l) => {
        const parsed = parseBundleLine(l);
        if (!parsed.ok) throw new Error(parsed.reason);
        return parsed.line;
      });
    const batchLines = lines.filter((l): l is BatchLine => l.type === 'batch');
    const decoded = batchLines.map((l) => Buffer.from(l.payload, 'base64url').toString('utf8'));
    const payloads = decoded.map((d) => JSON.parse(d) as BatchPayload);
    // Not one voter's token, in clear or in any encoding the bundle uses.
    const searched = `${text}\n${decoded.join('\n')}`;
    for (const v of voters)
      for (const encoded of tokenEncodings(v.token)) expect(searched).not.toContain(encoded);
    // No participation attribute beside a ballot: the ballot document's fields, choices only.
    for (const p of payloads) {
      expect(Object.keys(p).sort()).toEqual(
        [
          'ballots',
          'electionId',
          'final',
          'kioskId',
          'participations',
          'prevHash',
          'receipts',
          'seq',
          'training',
          'v',
        ].sort(),
      );
      expect(Object.keys(p.participations).sort()).toEqual(['count', 'digest']);
      expect(p.participations.count).toBe(p.ballots.length);
      for (const choices of p.ballots) for (const c of choices) expect(projectIds).toContain(c);
    }
    for (const attribute of ['communeCode', 'ageBracket', 'assisted', 'token', ...COMMUNES])
      expect(decoded.join('\n')).not.toContain(attribute);
    // Participation only as counts, per batch as many as its ballots, small cells hidden.
    const participation = lines.find((l) => l.type === 'participation');
    if (participation?.type !== 'participation') throw new Error('no participation line');
    for (const c of [...participation.participation.byCommune, ...participation.participation.byAgeBracket])
      expect(c.count === null || c.count >= 10).toBe(true);
    for (const b of participation.participation.batches) {
      const p = payloads.find((x) => x.kioskId === b.kioskId && x.seq === b.seq);
      expect(b.count).toBe(p?.ballots.length);
    }
    // Every group holds K, or K to 2K − 1 as a final, or a kiosk's whole total.
    for (const c of counters) {
      const own = payloads.filter((p) => p.kioskId === c.kioskId);
      expect(own.reduce((sum, p) => sum + p.ballots.length, 0)).toBe(c.voters.length);
      for (const p of own)
        if (own.length === 1) expect(p.ballots.length).toBe(c.voters.length);
        else if (p.final) expect(p.ballots.length).toBeGreaterThanOrEqual(K);
        else expect(p.ballots.length).toBe(K);
    }
    // A receipt code leads to one batch, its own ballot's, and no further: the batch's
    // receipts are sorted on their own and its ballots by content.
    for (const v of voters) {
      const holders = payloads.filter((p) => p.receipts.includes(receiptCommitment(v.kiosk.kioskId, v.code)));
      expect(holders).toHaveLength(1);
      expect(holders[0]?.ballots.some((c) => sameChoices(c, v.choices))).toBe(true);
    }
    for (const p of payloads) {
      expect([...p.receipts].sort()).toEqual(p.receipts);
      const byContent = [...p.ballots].sort((a, b) => (a.join(',') < b.join(',') ? -1 : 1));
      expect(p.ballots.map((c) => c.join(','))).toEqual(byContent.map((c) => c.join(',')));
    }

    // The observer recounts everything without the server, and gets the voters' choices exactly.
    const pinned = { authorityPublicKey: server.data.authority.publicKey };
    const report = await verifyBundle(bundlePath, pinned);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.recount?.ballots).toBe(voters.length);
    for (const project of report.recount?.projects ?? [])
      expect(project.votes).toBe(voters.filter((v) => v.choices.includes(project.id)).length);

    const recount = async (edited: BundleLine[]) => {
      const file = path.join(server.dir, `audit-${randomInt(1e9)}.jsonl`);
      fs.writeFileSync(file, edited.map((l) => `${JSON.stringify(l)}\n`).join(''));
      return verifyBundle(file, pinned);
    };
    const short = (id: string): string => `${id.slice(0, 8)}…`;
    const ville = counters[3] as Counter;
    const target = batchLines.find((l) => l.kioskId === ville.kioskId && l.seq === 1) as BatchLine;
    const replace = (line: BatchLine, changes: Partial<BatchLine>): BundleLine[] =>
      lines.map((l) => (l === line ? { ...line, ...changes } : l));

    // A tampered choice: one ballot of the batch given another project.
    const payload = JSON.parse(Buffer.from(target.payload, 'base64url').toString('utf8')) as BatchPayload;
    const first = payload.ballots[0] ?? [];
    const other = projectIds.find((id) => !first.includes(id)) ?? '';
    payload.ballots[0] = [...first.slice(1), other].sort();
    const tamperedBytes = Buffer.from(JSON.stringify(payload), 'utf8');
    const tampered = await recount(replace(target, { payload: toBase64url(tamperedBytes) }));
    expect(tampered.ok).toBe(false);
    expect(tampered.errors).toContain(`batch kiosque ${short(ville.kioskId)} seq 1 : signature invalide`);

    // The same choice tampered and signed again with a key that is not the kiosk's.
    const forger = generateKeyPair();
    const forged = await recount(
      replace(target, {
        payload: toBase64url(tamperedBytes),
        signature: signBytes('batch', tamperedBytes, forger.privateKey),
      }),
    );
    expect(forged.ok).toBe(false);
    expect(forged.errors).toContain(`batch kiosque ${short(ville.kioskId)} seq 1 : signature invalide`);

    // A forged signature over the genuine bytes.
    const genuine = fromBase64url(target.payload) ?? Buffer.alloc(0);
    const resigned = await recount(
      replace(target, { signature: signBytes('batch', genuine, forger.privateKey) }),
    );
    expect(resigned.ok).toBe(false);
    expect(resigned.errors).toContain(`batch kiosque ${short(ville.kioskId)} seq 1 : signature invalide`);

    // A dropped batch: the chain's gap names it, and the recount no longer matches the results.
    const dropped = await recount(lines.filter((l) => l !== target));
    expect(dropped.ok).toBe(false);
    expect(dropped.errors).toContain(
      `batch kiosque ${short(ville.kioskId)} seq 2 : chaîne rompue, seq 1 attendu (lot manquant)`,
    );
    expect(dropped.errors).toContain(`ballots : publié ${voters.length}, recompté ${voters.length - K}`);
  });
});
