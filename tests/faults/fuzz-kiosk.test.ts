/**
 * Hostile input at volume against the kiosk core, on real SQLite files: every method of the typed API
 * over the browser harness's HTTP transport (random and malformed arguments, unknown and odd method
 * names, mediator methods with no session open, bodies past the limit), register pages served by a
 * hostile server on 127.0.0.1 to the real sync round, and offline enrolment answers read from a stick
 * (bytes, truncations, edits signed again by the authority, links, FIFOs, folders). Each answer is a
 * clear refusal with a stable code (never `internal`, never a 5xx, never a crash of the core); the
 * kiosk's register, votes and accounts are the same after each target; and the core still works at the
 * end. Counts per target are in the titles (`FUZZ_RUNS` scales them).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { HARNESS_TOKEN_HEADER, kioskContract, kioskMethods, methodRole } from '../../src/shared/api';
import { kioskErrorCodes } from '../../src/shared/errors';
import {
  generateKeyPair,
  keyFingerprint,
  signBytes,
  signDocument,
  toBase64url,
  verifyDocument,
} from '../../src/shared/node/crypto';
import { enrolAnswerFileName, enrolRequestFileName, type ParticipationPage } from '../../src/shared/wire';
import { openKiosk, type Kiosk } from '../../src/main/core/kiosk';
import { settingKeys } from '../../src/main/core/store';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { openDataDir } from '../../src/server/datadir';
import { answerUsbEnrolment } from '../../src/server/enrol-usb';
import { prepareServerData, type ServerData } from '../integration/sync/harness';
import {
  makeElection,
  openTestKiosk,
  signElection,
  tempDir,
  TEST_MEDIATOR,
  voter,
  type TestKiosk,
} from '../unit/core/fixtures';
import {
  AnswerTally,
  fuzzParameters,
  hostileJsonText,
  httpRequest,
  jsonText,
  mutate,
  mutation,
  notJsonBody,
  oddCharacters,
  oddString,
  parseOrUndefined,
  runs,
  sameJson,
  tableDigests,
  tableNamesOf,
  timeLimit,
  type RawAnswer,
} from './fuzz-support';

const CASES = {
  apiLocked: runs(2500),
  apiUnlocked: runs(700),
  registerPages: runs(350),
  enrolAnswer: runs(600),
};

const election = makeElection();
let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
let harness: Harness;
let hostile: FastifyInstance;
/** What the hostile server answers to a register pull at the cursor `after`. */
let registerAnswer: (after: string) => { status: number; type: string; body: Buffer } = () => ({
  status: 200,
  type: 'application/json',
  body: Buffer.from('{}'),
});
const summaries: string[] = [];

/** The last round's report in `sync_state`: its error, time and reachability move with each round. */
const ROUND_REPORT = {
  sync_state: "key NOT IN ('last_success_at', 'last_error_code', 'last_error_message', 'server_reachable')",
};

/**
 * The kiosk's tables and its folder's files, but the journal (refusals are journaled on purpose) and
 * the last round's report; the register's cursor, a pending election and a blocked chain stay in.
 */
const kioskSnapshot = (dbPath: string, dir: string) => ({
  tables: tableDigests(
    dbPath,
    tableNamesOf(dbPath).filter((n) => n !== 'audit_events'),
    {},
    ROUND_REPORT,
  ),
  files: readdirSync(dir).sort(),
});

beforeAll(async () => {
  tmp = tempDir('isoloir-fuzz-kiosk-');
  t = await openTestKiosk(tmp.dir, { election });
  // The background loop stays idle: the register target runs its rounds itself.
  t.kiosk.sync.configure({ idleMs: 1e9, probeMs: 1e9 });
  hostile = Fastify();
  hostile.get('/api/v1/election', async () => signElection(election, t.authority));
  hostile.get<{ Querystring: { after?: string } }>('/api/v1/participations', async (request, reply) => {
    const answer = registerAnswer(String(request.query.after ?? ''));
    return reply.code(answer.status).header('content-type', answer.type).send(answer.body);
  });
  const url = await hostile.listen({ host: '127.0.0.1', port: 0 });
  t.kiosk.store.setSetting(settingKeys.serverUrl, url);
  harness = await startHarness({ kiosk: t.kiosk, rendererDir: null });
});

afterAll(async () => {
  await harness.close();
  await hostile.close();
  t.close();
  tmp.remove();
  console.log(summaries.join('\n'));
});

/** Runs one target's property, then checks the kiosk's snapshot and records its summary. */
async function fuzzTarget<Ts>(
  tally: AnswerTally,
  property: fc.IAsyncPropertyWithHooks<Ts>,
  numRuns: number,
  dbPath: string = t.dbPath,
  dir: string = tmp.dir,
) {
  const before = kioskSnapshot(dbPath, dir);
  const started = Date.now();
  await fc.assert(property, fuzzParameters(numRuns));
  summaries.push(tally.summary(Date.now() - started));
  expect(kioskSnapshot(dbPath, dir)).toEqual(before);
}

// ---------------------------------------------------------------- every API method over the harness

type ApiAnswer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The answer as the contract's Result, or undefined when the body is anything else. */
function resultOf(answer: RawAnswer): ApiAnswer | undefined {
  const body = parseOrUndefined(answer.body) as Record<string, unknown> | undefined;
  if (body === null || typeof body !== 'object') return undefined;
  if (body.ok === true && 'value' in body) return body as ApiAnswer;
  const error = body.error as Record<string, unknown> | undefined;
  if (body.ok === false && typeof error?.code === 'string' && typeof error.message === 'string')
    return body as ApiAnswer;
  return undefined;
}

const call = (h: Harness, method: string, body: Buffer, token: string | null = h.token) =>
  httpRequest(h.origin, {
    method: 'POST',
    path: `/api/kiosk/${method}`,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { [HARNESS_TOKEN_HEADER]: token }),
    },
    body,
  });

/** Method names the contract has, and names it has not (look-alikes, prototype names, too long). */
const methodName = fc.oneof(
  // The voter's methods are open without a session: they get more of the cases.
  { weight: 5, arbitrary: fc.constantFrom(...kioskMethods.filter((m) => methodRole(m) === 'voter')) },
  { weight: 4, arbitrary: fc.constantFrom(...kioskMethods) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom(
        '',
        'constructor',
        '__proto__',
        'toString',
        'hasOwnProperty',
        'GETSTATUS',
        '%zz',
        '%2e%2e',
      ),
      fc.constantFrom(...kioskMethods).map((m) => encodeURIComponent(`${m}\u200b`)),
      fc.integer({ min: 90, max: 400 }).map((n) => 'a'.repeat(n)),
      oddString().map((s) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8').slice(0, 60))),
    ),
  },
);

/** Field names the contract's inputs use, with values near and far from what each expects. */
/** Mostly what the field expects (so the call reaches the core's rules), else anything odd. */
const nearly = (plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: oddString() });

/** A person's name with zero-width, right-to-left or look-alike characters slipped in. */
const oddName = fc
  .tuple(
    fc.constantFrom('Martin', 'Lefèvre', 'Dupont-Moreau', "N'Diaye", 'Ōsaka', 'Ｍartin', ''),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...oddCharacters)), { maxLength: 3 }),
  )
  .map(([name, inserts]) =>
    inserts.reduce<string>(
      (n, [at, c]) => n.slice(0, at % (n.length + 1)) + c + n.slice(at % (n.length + 1)),
      name,
    ),
  );

const fieldValue: Record<string, fc.Arbitrary<unknown>> = {
  sessionId: nearly(fc.stringMatching(/^[0-9a-f]{32}$/)),
  choices: fc.array(nearly(fc.constantFrom(...election.projects.map((p) => p.id))), { maxLength: 6 }),
  query: nearly(oddName),
  limit: fc.oneof(fc.integer({ min: -5, max: 60 }), fc.constantFrom(1e308, -0, 0.5, 2 ** 64)),
  familyName: nearly(oddName),
  firstName: nearly(oddName),
  birthDate: nearly(
    fc.constantFrom('1980-06-15', '2020-01-01', '2016-02-29', '1900-02-28', '2000-02-30', '9999-12-31'),
  ),
  communeCode: nearly(fc.constantFrom('62041', '62193', '62765', '2A004', '00000', '59350', '６２０４１')),
  assisted: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, null)),
  accountId: nearly(fc.stringMatching(/^[0-9a-f]{16}$/)),
  pin: nearly(fc.stringMatching(/^[0-9]{6,12}$/)),
  currentPin: nearly(fc.stringMatching(/^[0-9]{6,12}$/)),
  name: nearly(oddName),
  source: fc.constantFrom('online', 'usb', 'USB', ''),
  driveId: nearly(fc.constantFrom('/', '/etc', '..', '/dev/null', '/proc/self', '/tmp')),
  training: fc.oneof(fc.boolean(), fc.constant('false')),
  note: nearly(oddName),
  reopensAt: nearly(fc.constantFrom('2026-09-06T09:00:00+02:00', '2026-02-30T25:00:00Z')),
  text: nearly(oddName),
  serverUrl: nearly(fc.constantFrom('http://192.0.2.1', 'ftp://x', 'javascript:alert(1)', 'https://')),
  code: nearly(fc.constantFrom('ABCD-EFGH-JKMN', 'abcd efgh jkmn')),
  label: nearly(oddName),
  authorityFingerprint: nearly(fc.constantFrom('ffff-ffff-ffff-ffff', 'FFFF FFFF FFFF FFFF')),
  all: fc.oneof(fc.boolean(), fc.constant(1)),
};

/** A method's input: hostile JSON, bytes, or an object of the contract's field names with odd values. */
/** The field names a method's input schema has (every input is a strict object). */
const fieldsOf = (method: string): string[] => {
  const schema = (kioskContract as Record<string, { input: unknown } | undefined>)[method]?.input;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
};

/** An object of the given field names (some left out, sometimes one more) with odd values, maybe edited. */
const oddObject = (names: readonly string[]): fc.Arbitrary<Buffer> =>
  fc
    .tuple(
      fc.oneof(fc.constant([...names]), fc.subarray([...names])),
      fc.option(fc.constantFrom(...Object.keys(fieldValue)), { freq: 4 }),
    )
    .chain(([keys, extra]) =>
      fc.record(
        Object.fromEntries(
          [...keys, ...(extra ? [extra] : [])].map((k) => [k, fieldValue[k] ?? hostileJsonText]),
        ),
      ),
    )
    .chain((object) =>
      fc.array(mutation, { maxLength: 1 }).map((edits) => {
        const edited = edits.reduce<unknown>((d, m) => mutate(d, m), object);
        return Buffer.from(jsonText(edited), 'utf8');
      }),
    );

/**
 * A method's input: hostile JSON, bytes, or an object of the method's own fields (or any contract
 * field) with values near and far from what each expects, so the cases reach the handlers' rules.
 */
const apiInput = (method: string): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 1, arbitrary: notJsonBody },
    { weight: 2, arbitrary: hostileJsonText.map((s) => Buffer.from(s, 'utf8')) },
    { weight: 2, arbitrary: oddObject(Object.keys(fieldValue)) },
    { weight: 6, arbitrary: oddObject(fieldsOf(method)) },
  );

const methodAndInput = methodName.chain((method) => apiInput(method).map((body) => [method, body] as const));

const knownCodes = new Set<string>(kioskErrorCodes);

function decodeURIComponentOr(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** A clear refusal or a plain answer: never a 5xx, never `internal`, a code the contract knows. */
function expectClear(answer: RawAnswer, tally: AnswerTally, what: () => string): ApiAnswer {
  const result = resultOf(answer);
  tally.note(answer.status, result && !result.ok ? result.error.code : result ? 'ok' : undefined);
  expect(answer.status, what()).toBeLessThan(500);
  expect(result, `${what()} → ${answer.status} ${answer.body.slice(0, 200)}`).toBeDefined();
  if (result && !result.ok) {
    expect(knownCodes.has(result.error.code), `${what()} → ${result.error.code}`).toBe(true);
    expect(result.error.code, what()).not.toBe('internal');
  }
  return result as ApiAnswer;
}

describe('every kiosk API method over the harness, under hostile input', () => {
  test(
    `no mediator session: any method, any input (${CASES.apiLocked} cases)`,
    async () => {
      expect((await t.kiosk.handlers.lockMediator({})).ok).toBe(true);
      const tally = new AnswerTally('kiosk API, locked', CASES.apiLocked);
      await fuzzTarget(
        tally,
        fc.asyncProperty(methodAndInput, fc.boolean(), fc.boolean(), async ([method, body], a, b) => {
          // One call in four without the secret.
          const withToken = a || b;
          const answer = await call(harness, method, body, withToken ? harness.token : `${harness.token}x`);
          const what = () => `${method} ${body.toString('utf8').slice(0, 200)}`;
          const result = expectClear(answer, tally, what);
          const known = (kioskMethods as readonly string[]).includes(method)
            ? (method as (typeof kioskMethods)[number])
            : null;
          // A body the transport refuses (not JSON, empty) is answered before any role is looked at.
          const dispatched = answer.status === 200;
          // The router refuses a name too long or badly escaped before the secret is looked at.
          const routerMayRefuse = method.length > 100 || decodeURIComponentOr(method) === null;
          if (!withToken) expect(routerMayRefuse ? [400, 401] : [401], what()).toContain(answer.status);
          else if (!dispatched) expect(result.ok ? 'ok' : result.error.code, what()).toBe('invalid_input');
          else if (known && methodRole(known) === 'mediator')
            expect(result.ok ? 'ok' : result.error.code, what()).toBe('unauthorized');
          else if (known && methodRole(known) === 'setup')
            expect(result.ok ? 'ok' : result.error.code, what()).toBe('setup_done');
        }),
        CASES.apiLocked,
      );
      expect(tally.codes.size).toBeGreaterThan(5);
    },
    timeLimit(CASES.apiLocked),
  );

  test(
    `a mediator session open: every method with an input the contract refuses (${CASES.apiUnlocked} cases)`,
    async () => {
      const accounts = await t.kiosk.handlers.mediatorStatus({});
      const id = accounts.ok
        ? accounts.value.accounts.find((a) => a.name === TEST_MEDIATOR.name)?.id
        : undefined;
      expect(
        (await t.kiosk.handlers.unlockMediator({ accountId: id ?? '', pin: TEST_MEDIATOR.pin })).ok,
      ).toBe(true);
      const tally = new AnswerTally('kiosk API, unlocked', CASES.apiUnlocked);
      // Every input is a strict object: a key it does not name, or a top level that is no object, is refused.
      const refusedInput = fc.oneof(
        fc
          .tuple(
            fc.constantFrom('\u200b', 'admin', '__proto__', 'constructor', ...oddCharacters),
            fc.constantFrom(...kioskMethods).chain(apiInput),
          )
          .map(([key, body]) => {
            const parsed = parseOrUndefined(body.toString('utf8'));
            const object =
              parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
            return Buffer.from(
              jsonText(object).replace(
                /^\{/,
                `{${JSON.stringify(key)}:1${Object.keys(object).length > 0 ? ',' : ''}`,
              ),
            );
          }),
        fc.constantFrom('[]', '1', '"x"', 'true', '[{}]').map((s) => Buffer.from(s)),
      );
      await fuzzTarget(
        tally,
        fc.asyncProperty(fc.constantFrom(...kioskMethods), refusedInput, async (method, body) => {
          const what = () => `${method} ${body.toString('utf8').slice(0, 200)}`;
          const answer = await call(harness, method, body);
          const result = expectClear(answer, tally, what);
          if (methodRole(method) === 'setup' && answer.status === 200)
            expect(result.ok ? 'ok' : result.error.code, what()).toBe('setup_done');
          else expect(result.ok ? 'ok' : result.error.code, what()).toBe('invalid_input');
        }),
        CASES.apiUnlocked,
      );
      await t.kiosk.handlers.lockMediator({});
    },
    timeLimit(CASES.apiUnlocked),
  );

  test('bodies past the harness limit are refused 413 with the contract shape', async () => {
    const tally = new AnswerTally('kiosk API, oversized');
    for (const size of [64 * 1024 + 1, 300_000, 2 * 1024 * 1024]) {
      const body = Buffer.from(JSON.stringify({ query: 'x'.repeat(size) }));
      const answer = await call(harness, 'searchCommunes', body);
      expectClear(answer, tally, () => `${size} bytes`);
      expect(answer.status).toBe(413);
    }
  });
});

// ---------------------------------------------------------------- register pages from a hostile server

const HEX64 = /^[0-9a-f]{64}$/;
const exactKeys = (o: unknown, keys: readonly string[]): o is Record<string, unknown> =>
  o !== null &&
  typeof o === 'object' &&
  !Array.isArray(o) &&
  Object.keys(o).sort().join('\n') === [...keys].sort().join('\n');

/** Whether the kiosk must take this body as a register page: the authority's, for it, at cursor 0. */
function pageGenuine(body: Buffer): boolean {
  const doc = parseOrUndefined(body.toString('utf8'));
  if (!exactKeys(doc, ['payload', 'signature'])) return false;
  if (typeof doc.payload !== 'string' || typeof doc.signature !== 'string') return false;
  const verified = verifyDocument(
    'registerPage',
    { payload: doc.payload, signature: doc.signature },
    t.authority.keys.publicKey,
  );
  if (!verified.ok) return false;
  let page: unknown;
  try {
    page = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.bytes)) as unknown;
  } catch {
    return false;
  }
  if (!exactKeys(page, ['v', 'electionId', 'kioskId', 'after', 'tokens', 'next'])) return false;
  return (
    page.v === 2 &&
    page.electionId === election.electionId &&
    page.kioskId === t.kiosk.kioskId &&
    page.after === '0' &&
    Array.isArray(page.tokens) &&
    page.tokens.every((x) => typeof x === 'string' && HEX64.test(x)) &&
    typeof page.next === 'string' &&
    page.next.length <= 40
  );
}

describe('register pages a hostile server serves to the sync round', () => {
  test(
    `bytes, hostile JSON, pages edited and signed again by the authority, forged or re-addressed (${CASES.registerPages} cases)`,
    async () => {
      const tally = new AnswerTally('kiosk register pages', CASES.registerPages);
      const page: ParticipationPage = {
        v: 2,
        electionId: election.electionId,
        kioskId: t.kiosk.kioskId,
        after: '0',
        tokens: ['a'.repeat(64), 'b'.repeat(64)],
        next: '2',
      };
      const genuine = signDocument('registerPage', page, t.authority.keys.privateKey);
      const stranger = generateKeyPair();
      const body = fc.oneof(
        notJsonBody,
        hostileJsonText.map((s) => Buffer.from(s, 'utf8')),
        // The page's content edited, then signed again by the authority itself (or another key).
        fc
          .tuple(
            fc.array(mutation, { minLength: 1, maxLength: 3 }),
            fc.constantFrom('authority', 'authority', 'stranger', 'ack'),
          )
          .map(([edits, signer]) => {
            const bytes = Buffer.from(jsonText(edits.reduce<unknown>((d, m) => mutate(d, m), page)), 'utf8');
            const key = signer === 'stranger' ? stranger.privateKey : t.authority.keys.privateKey;
            const signature = signBytes(signer === 'ack' ? 'ack' : 'registerPage', bytes, key);
            return Buffer.from(JSON.stringify({ payload: toBase64url(bytes), signature }));
          }),
        // The genuine signed page, its envelope edited.
        fc
          .array(mutation, { minLength: 1, maxLength: 3 })
          .map((edits) =>
            Buffer.from(jsonText(edits.reduce<unknown>((d, m) => mutate(d, m), genuine)), 'utf8'),
          ),
      );
      const status = fc.oneof(
        { weight: 6, arbitrary: fc.constant(200) },
        { weight: 1, arbitrary: fc.constantFrom(201, 204, 301, 400, 401, 404, 413, 429, 500, 503) },
      );
      const type = fc.constantFrom(
        'application/json',
        'application/json',
        'text/html',
        'text/plain',
        'application/octet-stream',
      );
      const registerRows = () =>
        tableDigests(t.dbPath, ['remote_participations', 'sync_state'], {}, ROUND_REPORT);
      const before = registerRows();
      await fuzzTarget(
        tally,
        fc.asyncProperty(body, status, type, async (b, s, ty) => {
          fc.pre(!(s === 200 && pageGenuine(b)));
          registerAnswer = () => ({ status: s, type: ty, body: b });
          const outcome = await t.kiosk.sync.runRound();
          const error = t.kiosk.sync.status().lastError;
          tally.note(s, outcome === 'synced' ? 'synced' : (error?.code ?? outcome));
          expect(registerRows(), b.toString('utf8').slice(0, 300)).toEqual(before);
          if (outcome !== 'synced') expect(error?.code).toMatch(/^[a-z_]+$/);
        }),
        CASES.registerPages,
      );
      // Still alive: the genuine page is taken.
      const last = signDocument(
        'registerPage',
        { ...page, after: '2', tokens: [], next: '2' },
        t.authority.keys.privateKey,
      );
      registerAnswer = (after) => ({
        status: 200,
        type: 'application/json',
        body: Buffer.from(JSON.stringify(after === '2' ? last : genuine)),
      });
      expect(await t.kiosk.sync.runRound()).toBe('synced');
      expect(registerRows().remote_participations?.rows).toBe(2);
    },
    timeLimit(CASES.registerPages, 200),
  );
});

// ---------------------------------------------------------------- offline enrolment answer on a stick

describe('the offline enrolment answer a stick carries', () => {
  test(
    `bytes, truncations, edits signed again by the authority, links, FIFOs and folders (${CASES.enrolAnswer} cases)`,
    async () => {
      const tally = new AnswerTally('kiosk enrolment answer', CASES.enrolAnswer);
      const dir = tempDir('isoloir-fuzz-setup-');
      const roots = join(dir.dir, 'media');
      const stick = join(roots, 'CLE-USB');
      mkdirSync(stick, { recursive: true });
      process.env.ISOLOIR_MEDIA_ROOTS = roots;
      const data: ServerData = prepareServerData();
      const kioskDir = join(dir.dir, 'kiosk');
      mkdirSync(kioskDir);
      const dbPath = join(kioskDir, 'kiosk.sqlite');
      const fresh: Kiosk = openKiosk({ dbPath, pinKdfLogN: 10 });
      const setupHarness = await startHarness({ kiosk: fresh, rendererDir: null });
      const server = openDataDir(data.dir);
      try {
        expect((await fresh.handlers.createFirstMediator({ name: 'Camille', pin: '482915' })).ok).toBe(true);
        const written = await fresh.handlers.writeEnrolmentRequest({
          driveId: stick,
          code: data.newCode(),
          label: 'Comptoir',
        });
        expect(written.ok).toBe(true);
        const answer = answerUsbEnrolment(
          server.store,
          server.authority,
          readFileSync(join(stick, enrolRequestFileName(fresh.kioskId))),
          new Date(),
        );
        if (!answer.ok) throw new Error(answer.error.message);
        const signed = answer.value.document;
        const content = JSON.parse(Buffer.from(signed.payload, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        const answerPath = join(stick, answer.value.fileName);
        const outside = join(dir.dir, 'outside.json');
        writeFileSync(outside, JSON.stringify(signed));
        const fingerprint = keyFingerprint(data.authorityPublicKey);
        // An answer the kiosk should install: the authority's, for this kiosk, its election untouched.
        const installable = (bytes: Buffer): boolean => {
          const doc = parseOrUndefined(bytes.toString('utf8'));
          if (!exactKeys(doc, ['payload', 'signature'])) return false;
          if (typeof doc.payload !== 'string' || typeof doc.signature !== 'string') return false;
          const verified = verifyDocument(
            'enrolAnswer',
            { payload: doc.payload, signature: doc.signature },
            data.authorityPublicKey,
          );
          if (!verified.ok) return false;
          const a = parseOrUndefined(new TextDecoder().decode(verified.bytes));
          const keys = [
            'v',
            'kioskId',
            'electionId',
            'participationKey',
            'recoveryKey',
            'authorityPublicKey',
            'election',
          ];
          if (!exactKeys(a, keys)) return false;
          return (
            a.v === 2 &&
            a.kioskId === content.kioskId &&
            a.electionId === content.electionId &&
            a.authorityPublicKey === content.authorityPublicKey &&
            typeof a.participationKey === 'string' &&
            /^[A-Za-z0-9_-]{43,}$/.test(a.participationKey) &&
            typeof a.recoveryKey === 'string' &&
            /^[A-Za-z0-9_-]{43}$/.test(a.recoveryKey) &&
            sameJson(a.election, content.election)
          );
        };
        const text = (b: Buffer) => ({ kind: 'file' as const, bytes: b });
        const file = fc.oneof(
          notJsonBody.map(text),
          hostileJsonText.map((s) => text(Buffer.from(s, 'utf8'))),
          fc.nat().map((cut) => {
            const whole = JSON.stringify(signed);
            return text(Buffer.from(whole.slice(0, cut % whole.length)));
          }),
          fc
            .array(mutation, { minLength: 1, maxLength: 3 })
            .map((edits) =>
              text(Buffer.from(jsonText(edits.reduce<unknown>((d, m) => mutate(d, m), signed)), 'utf8')),
            ),
          fc.array(mutation, { minLength: 1, maxLength: 3 }).map((edits) => {
            const bytes = Buffer.from(
              jsonText(edits.reduce<unknown>((d, m) => mutate(d, m), content)),
              'utf8',
            );
            const signature = signBytes('enrolAnswer', bytes, server.authority.privateKey);
            return text(Buffer.from(JSON.stringify({ payload: toBase64url(bytes), signature })));
          }),
          fc.constantFrom(
            { kind: 'link' as const },
            { kind: 'fifo' as const },
            { kind: 'folder' as const },
            { kind: 'missing' as const },
          ),
        );
        const typed = fc.oneof(
          { weight: 5, arbitrary: fc.constant(fingerprint) },
          {
            weight: 1,
            arbitrary: fc.oneof(
              fc.constantFrom(fingerprint.toUpperCase(), `${fingerprint}\u200b`, 'ffff-ffff-ffff-ffff'),
              oddString(),
            ),
          },
        );
        await fuzzTarget(
          tally,
          fc.asyncProperty(file, typed, async (what, typedFingerprint) => {
            if (what.kind === 'file') fc.pre(!installable(what.bytes));
            rmSync(answerPath, { recursive: true, force: true });
            if (what.kind === 'file') writeFileSync(answerPath, what.bytes);
            else if (what.kind === 'link') symlinkSync(outside, answerPath);
            else if (what.kind === 'fifo') execFileSync('mkfifo', [answerPath]);
            else if (what.kind === 'folder') mkdirSync(answerPath);
            const input = Buffer.from(
              JSON.stringify({ driveId: stick, authorityFingerprint: typedFingerprint }),
            );
            const describe = () =>
              `${what.kind} ${what.kind === 'file' ? what.bytes.toString('utf8').slice(0, 300) : ''}`;
            const result = expectClear(
              await call(setupHarness, 'readEnrolmentAnswer', input),
              tally,
              describe,
            );
            expect(result.ok, describe()).toBe(false);
            expect(fresh.store.getSetting(settingKeys.authorityPublicKey)).toBeNull();
          }),
          CASES.enrolAnswer,
          dbPath,
          kioskDir,
        );
        // Still alive: the genuine answer installs.
        rmSync(answerPath, { recursive: true, force: true });
        writeFileSync(answerPath, JSON.stringify(signed));
        const read = await fresh.handlers.readEnrolmentAnswer({
          driveId: stick,
          authorityFingerprint: fingerprint,
        });
        expect(read.ok, JSON.stringify(read)).toBe(true);
        expect(enrolAnswerFileName(fresh.kioskId)).toBe(answer.value.fileName);
      } finally {
        await setupHarness.close();
        fresh.close();
        server.store.close();
        rmSync(join(data.dir, '..'), { recursive: true, force: true });
        dir.remove();
        delete process.env.ISOLOIR_MEDIA_ROOTS;
      }
    },
    timeLimit(CASES.enrolAnswer, 200),
  );
});

// ---------------------------------------------------------------- still alive

describe('after the fuzz', () => {
  test('the core still votes over the harness: eligibility, cast, a receipt', async () => {
    const session = await call(harness, 'checkEligibility', Buffer.from(JSON.stringify(voter('Fuzz'))));
    const opened = resultOf(session);
    expect(opened?.ok, session.body).toBe(true);
    const sessionId = opened?.ok ? (opened.value as { sessionId: string }).sessionId : '';
    const cast = await call(
      harness,
      'castBallot',
      Buffer.from(JSON.stringify({ sessionId, choices: ['jardin'] })),
    );
    expect(resultOf(cast)?.ok, cast.body).toBe(true);
  });
});
