/**
 * Test fixtures of the kiosk core: a throw-away authority key, a small signed election package, a small
 * communes file, and temp folders under os.tmpdir() (real SQLite files, removed after each test file).
 * `openTestKiosk` is the one way tests get a kiosk ready to vote: provisioned, its first mediator account
 * created through the API as a mediator would, its keys unlocked, the counter's day open.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openKiosk, type Kiosk } from '../../../src/main/core/kiosk';
import type { Result } from '../../../src/shared/result';
import type { ElectionPackage, SignedDocument } from '../../../src/shared/wire';
import { generateKeyPair, signDocument, toBase64url, type KeyPair } from '../../../src/shared/node/crypto';

export function tempDir(prefix = 'isoloir-core-'): {
  dir: string;
  path: (name: string) => string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Authority {
  keys: KeyPair;
  participationKey: string;
}

export function makeAuthority(): Authority {
  return { keys: generateKeyPair(), participationKey: toBase64url(randomBytes(32)) };
}

export const DAY_MS = 86_400_000;

/** A cheap token KDF (2^10) so tests stay fast; real packages use ~2^16 (`npm run bench:kdf`). */
export const TEST_TOKEN_KDF = { salt: 'dGVzdC10b2tlbi1zYWx0LTE2Yg', logN: 10, r: 8, p: 1 } as const;

/** The mediator every test kiosk gets, and the scrypt cost of test PINs (cheap, as the KDF above). */
export const TEST_MEDIATOR = { name: 'Test', pin: '123456' } as const;
export const TEST_PIN_KDF_LOG_N = 10;

/** K of the test packages: the smallest the schema allows. */
export const TEST_K = 10;

/** An election open from `opensAt` for `days` days, 1 to 3 choices among 5 projects in 2 territories, K = TEST_K. */
export function makeElection(
  overrides: Partial<ElectionPackage> = {},
  opensAt = new Date('2026-09-01T00:00:00+02:00'),
): ElectionPackage {
  return {
    v: 2,
    electionId: 'budget-citoyen-test',
    title: 'Budget citoyen (test)',
    opensAt: opensAt.toISOString(),
    closesAt: new Date(opensAt.getTime() + 30 * DAY_MS).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 1_000_000,
    territories: [
      { id: 'arrageois', name: 'Arrageois' },
      { id: 'calaisis', name: 'Calaisis' },
    ],
    projects: ['jardin', 'velo', 'repair-cafe', 'epicerie', 'tiers-lieu'].map((id, i) => ({
      id,
      title: `Projet ${id}`,
      summary: `Résumé ${id}`,
      description: `Description du projet ${id}`,
      territoryId: i % 2 === 0 ? 'arrageois' : 'calaisis',
      theme: 'Solidarité',
      carrier: 'Association test',
      cost: 10_000 * (i + 1),
      image: i === 0 ? 'data:image/webp;base64,UklGRg==' : `${id}.webp`,
    })),
    communeTerritories: { '62041': 'arrageois', '62193': 'calaisis' },
    receiptCheckUrl: 'https://budget.example.fr/recu/',
    batchSize: TEST_K,
    tokenKdf: { ...TEST_TOKEN_KDF },
    ...overrides,
  };
}

export function signElection(election: unknown, authority: Authority): SignedDocument {
  return signDocument('election', election, authority.keys.privateKey);
}

/** Writes a signed package file and returns its path. */
export function writeElectionFile(
  dir: string,
  election: unknown,
  authority: Authority,
  name = 'election.signed.json',
): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(signElection(election, authority)));
  return path;
}

export const sampleCommunes = [
  { code: '62041', name: 'Arras', postalCodes: ['62000'] },
  { code: '62193', name: 'Calais', postalCodes: ['62100'] },
  { code: '62765', name: 'Saint-Omer', postalCodes: ['62500'] },
  { code: '62764', name: 'Saint-Nicolas', postalCodes: ['62223'] },
  { code: '62001', name: 'Ablain-Saint-Nazaire', postalCodes: ['62153'] },
  { code: '62498', name: 'Lens', postalCodes: ['62300'] },
  { code: '62427', name: 'Hénin-Beaumont', postalCodes: ['62110'] },
  { code: '62510', name: 'Liévin', postalCodes: ['62800'] },
  { code: '62178', name: 'Boulogne-sur-Mer', postalCodes: ['62200'] },
  { code: '62160', name: 'Bully-les-Mines', postalCodes: ['62160'] },
  { code: '62907', name: 'Wimereux', postalCodes: ['62930'] },
  { code: '62310', name: 'Écoivres', postalCodes: ['62270'] },
];

export function writeCommunesFile(dir: string): string {
  const path = join(dir, 'communes-62.json');
  writeFileSync(path, JSON.stringify(sampleCommunes));
  return path;
}

/** A mutable clock for tests. */
export function testClock(start: Date): { now: () => Date; set(d: Date): void; advance(ms: number): void } {
  let t = start.getTime();
  return { now: () => new Date(t), set: (d) => (t = d.getTime()), advance: (ms) => (t += ms) };
}

/** Default test instant: 5 September 2026, 10:00 in Paris — inside makeElection()'s window. */
export const IN_WINDOW = new Date('2026-09-05T10:00:00+02:00');

export interface TestKiosk {
  kiosk: Kiosk;
  clock: ReturnType<typeof testClock>;
  authority: Authority;
  dbPath: string;
  /** The test mediator's account id. */
  mediatorId: string;
  close(): void;
}

export interface TestKioskOptions {
  election?: ElectionPackage;
  at?: Date;
  sessionTtlMs?: number;
  dbName?: string;
  authority?: Authority;
  /** Injected monotonic clock (mediator idle expiry and lockout). */
  monotonicMs?: () => number;
  /** Recovery key given at provisioning (32 bytes base64url). */
  recoveryKey?: string;
  /** Leave the kiosk as a first start leaves it: provisioned, no mediator account, keys pending. */
  noMediator?: boolean;
  /** Leave the counter's day as the file has it (closed on a new file) instead of opening it. */
  dayClosed?: boolean;
}

/**
 * A real kiosk on a real temp SQLite file, provisioned with a small signed election, with the mediator
 * "Test" (PIN 123456) created and unlocked through the API and the counter's day opened, so its keys
 * are open and it can vote. When the file already holds accounts (a reopen), the test mediator unlocks
 * instead.
 */
export async function openTestKiosk(dir: string, options: TestKioskOptions = {}): Promise<TestKiosk> {
  const authority = options.authority ?? makeAuthority();
  const clock = testClock(options.at ?? IN_WINDOW);
  const dbPath = join(dir, options.dbName ?? 'kiosk.sqlite');
  const kiosk = openKiosk({
    dbPath,
    communesPath: writeCommunesFile(dir),
    now: clock.now,
    pinKdfLogN: TEST_PIN_KDF_LOG_N,
    ...(options.sessionTtlMs ? { sessionTtlMs: options.sessionTtlMs } : {}),
    ...(options.monotonicMs ? { monotonicMs: options.monotonicMs } : {}),
    provision: {
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      electionFile: writeElectionFile(dir, options.election ?? makeElection(), authority),
      label: 'Kiosque de test',
      ...(options.recoveryKey ? { recoveryKey: options.recoveryKey } : {}),
    },
  });
  let mediatorId = '';
  if (!options.noMediator) {
    try {
      mediatorId = await unlockTestMediator(kiosk);
      if (!options.dayClosed) await openTestDay(kiosk);
    } catch (error) {
      kiosk.close();
      throw error;
    }
  }
  return { kiosk, clock, authority, dbPath, mediatorId, close: () => kiosk.close() };
}

/** Creates the test mediator (first start) or unlocks it (a reopened file); returns its account id. */
export async function unlockTestMediator(kiosk: Kiosk): Promise<string> {
  const before = await unwrap(kiosk.handlers.mediatorStatus({}));
  const existing = before.accounts.find((a) => a.name === TEST_MEDIATOR.name);
  const after = existing
    ? await unwrap(kiosk.handlers.unlockMediator({ accountId: existing.id, pin: TEST_MEDIATOR.pin }))
    : await unwrap(kiosk.handlers.createFirstMediator({ ...TEST_MEDIATOR }));
  if (!after.current) throw new Error('test mediator: no session opened');
  return after.current.id;
}

/** Opens the counter's day unless it is already open or paused (a reopened file keeps its state). */
export async function openTestDay(kiosk: Kiosk): Promise<void> {
  const { day } = await unwrap(kiosk.handlers.getStatus({}));
  if (day.state === 'closed') await unwrap(kiosk.handlers.openDay({}));
}

/**
 * One voter through the API as the screens go: eligibility, then the cast of `choices`. Answers the
 * receipt code; throws with the refusal's code otherwise.
 */
export async function castAsVoter(
  kiosk: Pick<Kiosk, 'handlers'>,
  familyName: string,
  choices: string[],
): Promise<string> {
  const session = await kiosk.handlers.checkEligibility({
    communeCode: '62041',
    birthDate: '1980-01-01',
    familyName,
    firstName: 'Test',
    assisted: false,
  });
  if (!session.ok) throw new Error(`eligibility refused: ${session.error.code}`);
  const receipt = await kiosk.handlers.castBallot({ sessionId: session.value.sessionId, choices });
  if (!receipt.ok) throw new Error(`cast refused: ${receipt.error.code}`);
  return receipt.value.receiptCode;
}

/** Unwraps a Result in a test, failing loudly with its error. */
export function unwrap<T>(result: Result<T> | Promise<Result<T>>): Promise<T> {
  return Promise.resolve(result).then((r) => {
    if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
    return r.value;
  });
}

export const voter = (
  familyName: string,
  firstName = 'Camille',
  birthDate = '1980-06-15',
  communeCode = '62041',
): { familyName: string; firstName: string; birthDate: string; communeCode: string; assisted: boolean } => ({
  familyName,
  firstName,
  birthDate,
  communeCode,
  assisted: false,
});
