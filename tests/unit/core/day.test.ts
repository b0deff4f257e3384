/**
 * The counter's day through the kiosk's API on a real SQLite file: every transition and its refusals,
 * opening refused outside the election window, real votes only while the day is open, training any day
 * and never counted, the closing note when counts differ, signed reports that verify with the kiosk's
 * public key, and the state surviving a reopen.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ReportDocument } from '../../../src/shared/report';
import { parseJsonBytes, verifyDocument } from '../../../src/shared/node/crypto';
import type { SignedReport } from '../../../src/shared/api';
import {
  DAY_MS,
  IN_WINDOW,
  openTestKiosk,
  TEST_MEDIATOR,
  tempDir,
  unwrap,
  voter,
  type TestKiosk,
  type TestKioskOptions,
} from './fixtures';

const tmp = tempDir('isoloir-day-');
afterAll(() => tmp.remove());

const open: TestKiosk[] = [];
afterEach(() => {
  for (const k of open.splice(0)) k.close();
});

let n = 0;
async function kiosk(options: TestKioskOptions = {}): Promise<TestKiosk> {
  const k = await openTestKiosk(tmp.dir, { dbName: `day-${++n}.sqlite`, ...options });
  open.push(k);
  return k;
}

/** A kiosk whose day was never opened, with its mediator unlocked. */
const closedKiosk = (options: TestKioskOptions = {}): Promise<TestKiosk> =>
  kiosk({ ...options, dayClosed: true });

function readReport(k: TestKiosk, report: SignedReport): ReportDocument {
  const verified = verifyDocument('report', report.document, k.kiosk.context.identity.publicKey);
  if (!verified.ok) throw new Error(`report signature: ${verified.reason}`);
  return ReportDocument.parse(parseJsonBytes(verified.bytes));
}

async function vote(k: TestKiosk, family: string): Promise<void> {
  const session = await unwrap(k.kiosk.handlers.checkEligibility(voter(family)));
  await unwrap(k.kiosk.handlers.castBallot({ sessionId: session.sessionId, choices: ['jardin'] }));
}

async function refusal(result: unknown): Promise<{ code: string; message: string; details?: unknown }> {
  const r = (await result) as { ok: boolean; error?: { code: string; message: string; details?: unknown } };
  if (r.ok || !r.error) throw new Error('expected a refusal');
  return r.error;
}

const dayState = (k: TestKiosk): string => {
  const status = k.kiosk.handlers.getStatus({}) as { ok: true; value: { day: { state: string } } };
  return status.value.day.state;
};

describe('the day’s states', () => {
  it('goes closed → open ⇄ paused → closed, with a signed report at opening and closing', async () => {
    const k = await closedKiosk();
    const h = k.kiosk.handlers;
    expect(dayState(k)).toBe('closed');

    const opening = await unwrap(h.openDay({}));
    expect(opening.kind).toBe('opening');
    expect(opening.day).toBe('2026-09-05');
    expect(dayState(k)).toBe('open');
    const openingDoc = readReport(k, opening);
    expect(openingDoc).toMatchObject({ kind: 'opening', day: '2026-09-05', kioskId: k.kiosk.kioskId });
    expect(openingDoc.mediators.length).toBeGreaterThan(0);

    await vote(k, 'Martin');
    await unwrap(h.addIncident({ text: 'Imprimante en panne vers midi' }));

    const paused = await unwrap(h.pauseDay({ reopensAt: '2026-09-05T14:00:00+02:00' }));
    expect(paused.day).toEqual({
      state: 'paused',
      day: '2026-09-05',
      reopensAt: '2026-09-05T14:00:00+02:00',
    });
    const resumed = await unwrap(h.resumeDay({}));
    expect(resumed.day).toEqual({ state: 'open', day: '2026-09-05', reopensAt: null });

    await vote(k, 'Bernard');
    const closing = await unwrap(h.closeDay({ reopensAt: '2026-09-06T09:00:00+02:00' }));
    expect(closing.kind).toBe('closing');
    expect(dayState(k)).toBe('closed');
    const doc = readReport(k, closing);
    expect(doc).toMatchObject({
      kind: 'closing',
      day: '2026-09-05',
      participations: 2,
      ballots: 2,
      assisted: 0,
      training: { participations: 0, ballots: 0 },
      note: null,
      label: 'Kiosque de test',
    });
    expect(doc.incidents.map((i) => i.text)).toEqual(['Imprimante en panne vers midi']);
    expect(doc.mediators).toEqual(openingDoc.mediators);
    // Closing the day seals nothing: both ballots wait for their batch.
    expect(doc.waiting).toBe(2);
    expect(doc.batches).toEqual({ sealed: 0, firstSeq: null, lastSeq: null });

    const status = await unwrap(h.getStatus({}));
    expect(status.day).toEqual({
      state: 'closed',
      day: '2026-09-05',
      reopensAt: '2026-09-06T09:00:00+02:00',
    });

    const reports = await unwrap(h.listReports({}));
    expect(reports.map((r) => r.kind).slice(-2)).toEqual(['opening', 'closing']);
    expect(reports.at(-1)).toEqual(closing);
  });

  it('refuses each transition from a state that does not allow it', async () => {
    const k = await closedKiosk();
    const h = k.kiosk.handlers;
    expect((await refusal(h.pauseDay({}))).code).toBe('day_not_open');
    expect((await refusal(h.resumeDay({}))).code).toBe('day_not_open');
    expect((await refusal(h.closeDay({}))).code).toBe('day_not_open');
    await unwrap(h.openDay({}));
    expect((await refusal(h.openDay({}))).code).toBe('day_already_open');
    await unwrap(h.pauseDay({}));
    expect((await refusal(h.openDay({}))).code).toBe('day_already_open');
    expect(dayState(k)).toBe('paused');
    // A paused day closes directly.
    await unwrap(h.closeDay({}));
    expect(dayState(k)).toBe('closed');
  });

  it('refuses to open before the window and after it, with the dates', async () => {
    const k = await closedKiosk();
    k.clock.set(new Date('2026-08-31T20:00:00+02:00'));
    const early = await refusal(k.kiosk.handlers.openDay({}));
    expect(early.code).toBe('not_open_yet');
    expect(early.message).toContain('1 septembre 2026');
    expect(early.details).toMatchObject({ opensAt: '2026-08-31T22:00:00.000Z' });

    k.clock.set(new Date(IN_WINDOW.getTime() + 40 * DAY_MS));
    const late = await refusal(k.kiosk.handlers.openDay({}));
    expect(late.code).toBe('election_closed');
    expect(late.message).toContain('1 octobre 2026');
    expect(dayState(k)).toBe('closed');
  });
});

describe('who may vote when', () => {
  it('takes real votes only while the day is open', async () => {
    const k = await closedKiosk();
    const h = k.kiosk.handlers;
    const closed = await refusal(h.checkEligibility(voter('Petit')));
    expect(closed).toMatchObject({ code: 'day_not_open', message: 'Le vote est fermé pour le moment.' });

    await unwrap(h.openDay({}));
    const session = await unwrap(h.checkEligibility(voter('Petit')));
    await unwrap(h.pauseDay({ reopensAt: '2026-09-05T14:00:00+02:00' }));
    // Pausing ended the session; a new one is refused and says when the counter reopens.
    expect((await refusal(h.castBallot({ sessionId: session.sessionId, choices: ['velo'] }))).code).toBe(
      'session_unknown',
    );
    expect(await refusal(h.checkEligibility(voter('Petit')))).toMatchObject({
      code: 'day_not_open',
      details: { reopensAt: '2026-09-05T14:00:00+02:00' },
    });
    await unwrap(h.resumeDay({}));
    await vote(k, 'Petit');
  });

  it('takes training votes before the window with the day closed, and never counts them', async () => {
    const k = await closedKiosk({ at: new Date('2026-08-20T10:00:00+02:00') });
    const h = k.kiosk.handlers;
    expect((await refusal(h.checkEligibility(voter('Durand')))).code).toBe('election_not_open');
    await unwrap(h.setTraining({ training: true }));
    for (let i = 0; i < 25; i++) await vote(k, `Formation${i}`);
    const status = await unwrap(h.getStatus({}));
    expect(status.ballotsCast).toBe(0);
    expect(status.day.state).toBe('closed');
    // Training ballots reach only training batches, which the server stores apart and never counts.
    const sealed = k.kiosk.sync.syncStore.allBatches();
    expect(sealed.length).toBeGreaterThan(0);
    for (const b of sealed)
      expect(JSON.parse(Buffer.from(b.envelope.payload, 'base64url').toString('utf8'))).toMatchObject({
        training: true,
      });
    expect(k.kiosk.store.countBallots(false)).toBe(0);
    expect(k.kiosk.store.countBallots(true)).toBe(25);
    await unwrap(h.setTraining({ training: false }));
    expect((await refusal(h.checkEligibility(voter('Durand')))).code).toBe('election_not_open');
  });

  it('counts assisted votes, and training apart, in the day’s reports', async () => {
    const k = await kiosk();
    const h = k.kiosk.handlers;
    const helped = await unwrap(h.checkEligibility({ ...voter('Aidée'), assisted: true }));
    await unwrap(h.castBallot({ sessionId: helped.sessionId, choices: ['epicerie'] }));
    await vote(k, 'Réel');
    await unwrap(h.setTraining({ training: true }));
    await vote(k, 'Exercice');
    await unwrap(h.setTraining({ training: false }));
    const doc = readReport(k, await unwrap(h.closeDay({})));
    expect(doc).toMatchObject({
      ballots: 2,
      participations: 2,
      assisted: 1,
      training: { ballots: 1, participations: 1 },
    });
  });
});

describe('the closing note', () => {
  it('is required when the day’s participations and ballots differ', async () => {
    const k = await kiosk();
    await vote(k, 'Leroy');
    // A count off by one, as a disk fault or a repaired file could leave it.
    k.kiosk.store.db
      .prepare(
        "UPDATE day_counts SET participations = participations + 1 WHERE day = '2026-09-05' AND training = 0",
      )
      .run();
    const refused = await refusal(k.kiosk.handlers.closeDay({ note: '   ' }));
    expect(refused).toMatchObject({ code: 'note_required', details: { participations: 2, ballots: 1 } });
    expect(dayState(k)).toBe('open');
    const closing = await unwrap(
      k.kiosk.handlers.closeDay({ note: 'Une personne est partie avant de valider.' }),
    );
    expect(readReport(k, closing)).toMatchObject({
      participations: 2,
      ballots: 1,
      note: 'Une personne est partie avant de valider.',
    });
  });
});

describe('the kiosk’s keys', () => {
  it('stay unlocked while the day is open after the mediator leaves, and go once it is closed', async () => {
    const k = await kiosk();
    const h = k.kiosk.handlers;
    await unwrap(h.lockMediator({}));
    expect((await unwrap(h.getStatus({}))).keysUnlocked).toBe(true);
    await vote(k, 'Simon');

    await unwrap(h.unlockMediator({ accountId: k.mediatorId, pin: TEST_MEDIATOR.pin }));
    await unwrap(h.closeDay({}));
    // Still there while the mediator who closed is at the kiosk (the closing sync may sign), gone after.
    expect((await unwrap(h.getStatus({}))).keysUnlocked).toBe(true);
    await unwrap(h.lockMediator({}));
    expect((await unwrap(h.getStatus({}))).keysUnlocked).toBe(false);
  });
});

describe('persistence', () => {
  it('finds the day as it was left after a reopen, with its reports', async () => {
    const k = await kiosk({ dbName: 'persist.sqlite' });
    await vote(k, 'Moreau');
    await unwrap(k.kiosk.handlers.pauseDay({}));
    const before = await unwrap(k.kiosk.handlers.listReports({}));
    k.close();
    open.splice(open.indexOf(k), 1);

    const again = await kiosk({ dbName: 'persist.sqlite', authority: k.authority });
    expect(dayState(again)).toBe('paused');
    expect(await unwrap(again.kiosk.handlers.listReports({}))).toEqual(before);
  });
});

describe('voter sessions', () => {
  it('last while the voter is active, and end when a mediator uses the escape hatch', async () => {
    const k = await kiosk({ sessionTtlMs: 60_000 });
    const h = k.kiosk.handlers;
    const active = await unwrap(h.checkEligibility(voter('Lent')));
    for (let i = 0; i < 5; i++) {
      k.clock.advance(50_000);
      await unwrap(h.touchSession({ sessionId: active.sessionId }));
    }
    // Four minutes after eligibility, touched all along: the cast goes through.
    await unwrap(h.castBallot({ sessionId: active.sessionId, choices: ['velo'] }));

    const idle = await unwrap(h.checkEligibility(voter('Parti')));
    k.clock.advance(61_000);
    expect((await refusal(h.touchSession({ sessionId: idle.sessionId }))).code).toBe('session_expired');
    expect((await refusal(h.castBallot({ sessionId: idle.sessionId, choices: ['velo'] }))).code).toBe(
      'session_expired',
    );

    const hatch = await unwrap(h.checkEligibility(voter('Aidé')));
    expect(await unwrap(h.endVoterSession({}))).toEqual({});
    expect((await refusal(h.castBallot({ sessionId: hatch.sessionId, choices: ['velo'] }))).code).toBe(
      'session_unknown',
    );
  });
});
