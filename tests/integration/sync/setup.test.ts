/**
 * A kiosk's setup at first start, against the real central server on 127.0.0.1: online with the code and
 * the authority fingerprint the central team gives (a wrong fingerprint stores nothing, a used code and a
 * non-loopback http:// address are refused), offline by two USB trips answered by the server's own
 * function, the check screen's data, and no voter method before the setup is done.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKiosk, type Kiosk } from '../../../src/main/core/kiosk';
import { settingKeys } from '../../../src/main/core/store';
import { STATUS_REPORT_INTERVAL_MS, StatusReporter } from '../../../src/main/core/sync/status-report';
import { buildApp } from '../../../src/server/app';
import { DB_FILE, initDataDir, openDataDir, type DataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { answerUsbEnrolment } from '../../../src/server/enrol-usb';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { keyFingerprint, toBase64url } from '../../../src/shared/node/crypto';
import type { ElectionPackage } from '../../../src/shared/wire';
import { enrolAnswerFileName, enrolRequestFileName } from '../../../src/shared/wire';

const DAY = 86_400_000;

function electionPackage(): ElectionPackage {
  const now = Date.now();
  return {
    v: 2,
    electionId: 'setup-2026',
    title: 'Budget citoyen (installation)',
    opensAt: new Date(now - DAY).toISOString(),
    closesAt: new Date(now + 30 * DAY).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 100_000,
    territories: [{ id: 'arrageois', name: 'Arrageois' }],
    projects: ['jardin', 'velo', 'ecole'].map((id) => ({
      id,
      title: `Projet ${id}`,
      summary: `Résumé ${id}`,
      description: `Description ${id}`,
      territoryId: 'arrageois',
      theme: 'Solidarité',
      carrier: 'Association',
      cost: 20_000,
      image: `${id}.webp`,
    })),
    batchSize: 20,
    tokenKdf: { salt: toBase64url(randomBytes(16)), logN: 10, r: 8, p: 1 },
  };
}

interface Central {
  dir: string;
  data: DataDir;
  app: FastifyInstance;
  url: string;
  fingerprint: string;
  code(label?: string): string;
}

async function startCentral(): Promise<Central> {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-setup-server-'));
  initDataDir(dir);
  const data = openDataDir(dir);
  const published = publishElection(data.store, data.authority, electionPackage(), new Date());
  if (!published.ok) throw new Error(published.error.message);
  const app = await buildApp(
    { store: data.store, authority: data.authority, dbPath: join(dir, DB_FILE) },
    { web: false },
  );
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    dir,
    data,
    app,
    url: address,
    fingerprint: keyFingerprint(data.authority.publicKey),
    code: (label = 'Comptoir de Lens') => {
      const made = createEnrolmentCode(data.store, label, 24, new Date());
      if (!made.ok) throw new Error(made.error.message);
      return made.value.code;
    },
  };
}

/** The setup's first step: the first mediator account, with its session open. */
async function addFirstMediator(kiosk: Kiosk): Promise<void> {
  const created = await kiosk.handlers.createFirstMediator({ name: 'Camille', pin: '482915' });
  expect(created.ok).toBe(true);
}

let central: Central;
let kioskDir: string;
let kiosk: Kiosk;

beforeEach(async () => {
  central = await startCentral();
  kioskDir = mkdtempSync(join(tmpdir(), 'isoloir-setup-kiosk-'));
  kiosk = openKiosk({ dbPath: join(kioskDir, 'kiosk.sqlite') });
});

afterEach(async () => {
  kiosk.close();
  await central.app.close();
  central.data.store.close();
  rmSync(central.dir, { recursive: true, force: true });
  rmSync(kioskDir, { recursive: true, force: true });
  delete process.env.ISOLOIR_MEDIA_ROOTS;
});

const setupOf = async (k: Kiosk): Promise<string> => {
  const status = await k.handlers.getStatus({});
  if (!status.ok) throw new Error(status.error.message);
  return status.value.setup;
};

describe('online setup', () => {
  it('goes first mediator → enrol → check → done, and refuses voters until done', async () => {
    expect(await setupOf(kiosk)).toBe('first_mediator');
    await addFirstMediator(kiosk);
    expect(await setupOf(kiosk)).toBe('enrol');

    const check = await kiosk.handlers.enrolOnline({
      serverUrl: `${central.url}/`,
      code: central.code().toLowerCase(),
      label: 'Comptoir de Lens',
      // As a person reads it out: spaces instead of dashes, upper case.
      authorityFingerprint: central.fingerprint.toUpperCase().replace(/-/g, ' '),
    });
    expect(check.ok, JSON.stringify(check)).toBe(true);
    if (!check.ok) return;
    expect(check.value.kioskId).toBe(kiosk.kioskId);
    expect(check.value.serverUrl).toBe(central.url);
    expect(check.value.authorityKeyFingerprint).toBe(central.fingerprint);
    expect(check.value.kioskKeyFingerprint).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    expect(check.value.election?.electionId).toBe('setup-2026');
    expect(Math.abs(check.value.clockOffsetSeconds ?? 999)).toBeLessThan(5);
    expect(check.value.freeDiskBytes).toBeGreaterThan(0);
    expect(await setupOf(kiosk)).toBe('check');
    // The keys are sealed, and the data key wrapped under the recovery key for a central reset.
    expect(kiosk.context.keys.hasParticipationKey()).toBe(true);
    expect(kiosk.store.getSetting(settingKeys.recoveryWrap)).not.toBeNull();

    // Enrolled but not finished: still no voter.
    for (const refused of [
      await kiosk.handlers.getElection({}),
      await kiosk.handlers.checkEligibility({
        communeCode: '62498',
        birthDate: '1980-01-01',
        familyName: 'Martin',
        firstName: 'Lou',
        assisted: false,
      }),
      await kiosk.handlers.castBallot({ sessionId: '0'.repeat(32), choices: ['jardin'] }),
    ])
      expect(refused.ok ? 'ok' : refused.error.code).toBe('setup_needed');

    const again = await kiosk.handlers.getSetupCheck({});
    expect(again.ok && again.value.clockOffsetSeconds !== null).toBe(true);

    const finished = await kiosk.handlers.finishSetup({});
    expect(finished.ok && finished.value.setup).toBe('done');
    const view = await kiosk.handlers.getElection({});
    expect(view.ok).toBe(true);
    // What the demo does next, as a mediator would: the day opens with the keys the setup sealed.
    const opened = await kiosk.handlers.openDay({});
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const status = await kiosk.handlers.getStatus({});
    expect(status.ok && status.value.day.state).toBe('open');
  });

  it('a wrong fingerprint stops the setup and stores nothing', async () => {
    await addFirstMediator(kiosk);
    const before = kiosk.store.getSetting(settingKeys.label);
    const refused = await kiosk.handlers.enrolOnline({
      serverUrl: central.url,
      code: central.code(),
      label: 'Comptoir de Lens',
      authorityFingerprint: '0000-1111-2222-3333',
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('fingerprint_mismatch');
    for (const key of [settingKeys.authorityPublicKey, settingKeys.recoveryWrap, settingKeys.serverUrl])
      expect(kiosk.store.getSetting(key)).toBeNull();
    expect(kiosk.context.keys.hasParticipationKey()).toBe(false);
    expect(kiosk.store.getSetting(settingKeys.label)).toBe(before);
    expect(kiosk.store.getElectionPackage()).toBeNull();
    expect(await setupOf(kiosk)).toBe('enrol');
  });

  it('refuses http:// away from loopback before sending anything', async () => {
    await addFirstMediator(kiosk);
    const refused = await kiosk.handlers.enrolOnline({
      serverUrl: 'http://vote.exemple.fr',
      code: central.code(),
      label: 'Comptoir de Lens',
      authorityFingerprint: central.fingerprint,
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('insecure_server_url');
  });

  it('a used code is refused to another kiosk, and an enrolled kiosk refuses to enrol again', async () => {
    await addFirstMediator(kiosk);
    const code = central.code();
    const input = {
      serverUrl: central.url,
      code,
      label: 'Comptoir de Lens',
      authorityFingerprint: central.fingerprint,
    };
    expect((await kiosk.handlers.enrolOnline(input)).ok).toBe(true);
    const again = await kiosk.handlers.enrolOnline({ ...input, code: central.code() });
    expect(again.ok ? 'ok' : again.error.code).toBe('already_enrolled');

    const otherDir = mkdtempSync(join(tmpdir(), 'isoloir-setup-other-'));
    const other = openKiosk({ dbPath: join(otherDir, 'kiosk.sqlite') });
    try {
      await addFirstMediator(other);
      const refused = await other.handlers.enrolOnline(input);
      expect(refused.ok ? 'ok' : refused.error.code).toBe('enrolment_refused');
      expect(other.store.getSetting(settingKeys.authorityPublicKey)).toBeNull();
    } finally {
      other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('offline setup by USB', () => {
  it('writes the signed request, reads the answer the server made from it, pinned by the fingerprint', async () => {
    const roots = join(kioskDir, 'media');
    const stick = join(roots, 'CLE-USB');
    mkdirSync(stick, { recursive: true });
    process.env.ISOLOIR_MEDIA_ROOTS = roots;
    await addFirstMediator(kiosk);

    const written = await kiosk.handlers.writeEnrolmentRequest({
      driveId: stick,
      code: central.code(),
      label: 'Comptoir de Calais',
    });
    expect(written.ok, JSON.stringify(written)).toBe(true);
    const requestFile = join(stick, enrolRequestFileName(kiosk.kioskId));
    expect(written.ok && written.value.file).toBe(requestFile);

    // The central team's side: the server turns the request into a signed answer, written to the stick.
    const answer = answerUsbEnrolment(
      central.data.store,
      central.data.authority,
      readFileSync(requestFile),
      new Date(),
    );
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    if (!answer.ok) return;
    writeFileSync(join(stick, enrolAnswerFileName(kiosk.kioskId)), JSON.stringify(answer.value.document));

    const wrong = await kiosk.handlers.readEnrolmentAnswer({
      driveId: stick,
      authorityFingerprint: 'ffff-ffff-ffff-ffff',
    });
    expect(wrong.ok ? 'ok' : wrong.error.code).toBe('fingerprint_mismatch');
    expect(kiosk.store.getSetting(settingKeys.authorityPublicKey)).toBeNull();

    const read = await kiosk.handlers.readEnrolmentAnswer({
      driveId: stick,
      authorityFingerprint: central.fingerprint,
    });
    expect(read.ok, JSON.stringify(read)).toBe(true);
    if (!read.ok) return;
    expect(read.value.serverUrl).toBeNull();
    expect(read.value.clockOffsetSeconds).toBeNull();
    expect(read.value.label).toBe('Comptoir de Calais');
    expect(read.value.election?.electionId).toBe('setup-2026');
    expect(await setupOf(kiosk)).toBe('check');
  });

  it('refuses an answer whose signature does not hold', async () => {
    const roots = join(kioskDir, 'media');
    const stick = join(roots, 'CLE-USB');
    mkdirSync(stick, { recursive: true });
    process.env.ISOLOIR_MEDIA_ROOTS = roots;
    await addFirstMediator(kiosk);
    const written = await kiosk.handlers.writeEnrolmentRequest({
      driveId: stick,
      code: central.code(),
      label: 'Comptoir de Calais',
    });
    if (!written.ok) throw new Error(written.error.message);
    const answer = answerUsbEnrolment(
      central.data.store,
      central.data.authority,
      readFileSync(written.value.file),
      new Date(),
    );
    if (!answer.ok) throw new Error(answer.error.message);
    const forged = { ...answer.value.document, signature: toBase64url(randomBytes(64)) };
    writeFileSync(join(stick, enrolAnswerFileName(kiosk.kioskId)), JSON.stringify(forged));
    const read = await kiosk.handlers.readEnrolmentAnswer({
      driveId: stick,
      authorityFingerprint: central.fingerprint,
    });
    expect(read.ok ? 'ok' : read.error.code).toBe('answer_invalid');
    expect(kiosk.context.keys.hasParticipationKey()).toBe(false);
  });

  it('refuses a folder that is not a stick', async () => {
    process.env.ISOLOIR_MEDIA_ROOTS = join(kioskDir, 'media');
    mkdirSync(join(kioskDir, 'media'), { recursive: true });
    await addFirstMediator(kiosk);
    const refused = await kiosk.handlers.writeEnrolmentRequest({
      driveId: kioskDir,
      code: central.code(),
      label: 'Comptoir de Calais',
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('drive_not_found');
  });
});

describe('signed status at sync', () => {
  it('the kiosk signs its status; the server verifies and keeps it, at most one every few minutes', async () => {
    await addFirstMediator(kiosk);
    const enrolled = await kiosk.handlers.enrolOnline({
      serverUrl: central.url,
      code: central.code(),
      label: 'Comptoir de Lens',
      authorityFingerprint: central.fingerprint,
    });
    expect(enrolled.ok).toBe(true);
    let monotonic = 0;
    const reporter = new StatusReporter({
      context: kiosk.context,
      syncStore: kiosk.sync.syncStore,
      dbPath: join(kioskDir, 'kiosk.sqlite'),
      appVersion: '0.1.0',
      dayState: () => 'open',
      http: () => ({ timeoutMs: 5_000 }),
      monotonicMs: () => monotonic,
    });
    expect(await reporter.afterRound(central.url)).toBe(true);
    const stored = (): { payload: string; app_version: string; pending_ballots: number; day: string } =>
      central.data.store.db
        .prepare('SELECT payload, app_version, pending_ballots, day FROM kiosk_status WHERE kiosk_id = ?')
        .get(kiosk.kioskId) as { payload: string; app_version: string; pending_ballots: number; day: string };
    const first = stored();
    expect(first).toMatchObject({ app_version: '0.1.0', pending_ballots: 0, day: 'open' });
    const report = JSON.parse(Buffer.from(first.payload, 'base64url').toString('utf8')) as {
      kioskId: string;
      freeDiskBytes: number;
    };
    expect(report.kioskId).toBe(kiosk.kioskId);
    expect(report.freeDiskBytes).toBeGreaterThan(0);

    monotonic += 60_000;
    expect(await reporter.afterRound(central.url)).toBe(false);
    expect(stored().payload).toBe(first.payload);
    monotonic += STATUS_REPORT_INTERVAL_MS;
    expect(await reporter.afterRound(central.url)).toBe(true);
    expect(stored().payload).not.toBe(first.payload);
  });
});
