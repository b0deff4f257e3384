/**
 * Corrections of the current election offered by a real server process (the kiosk's fetch answers the
 * election request with a package signed by the same authority): a text-only correction waits until a
 * mediator applies it, across a restart, then the voter's election view shows it; a lower or equal
 * revision is ignored; a change of a cost, of the project list or of the dates once a ballot may exist is
 * refused, shown and journaled once, and nothing changes; a change allowed before the opening is checked
 * again when it is applied and at each round.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyFingerprint, signDocument } from '../../../src/shared/node/crypto';
import type { ElectionPackage } from '../../../src/shared/wire';
import {
  authorityPrivateKey,
  castVotes,
  enrolThroughSetup,
  journaled,
  jsonResponse,
  openTestKiosk,
  prepareServerData,
  startServerProcess,
  tempDir,
  testElection,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
} from './harness';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const DAY = 86_400_000;
let data: ServerData;
let server: ServerProcess;
const election = testElection('bc-correction-test');
const opened: TestKiosk[] = [];

/** A kiosk whose election requests are answered with `offer.serve` when set, and whose clock is shifted. */
interface OfferedKiosk {
  t: TestKiosk;
  offer: { serve: unknown; clockShiftMs: number };
}

const sign = (pkg: ElectionPackage): unknown => signDocument('election', pkg, authorityPrivateKey(data.dir));

async function offeredKiosk(name: string, dbPath?: string): Promise<OfferedKiosk> {
  const offer: OfferedKiosk['offer'] = { serve: null, clockShiftMs: 0 };
  const t = await openTestKiosk(dbPath ?? path.join(tempDir('kiosk'), `${name}.sqlite`), {
    now: () => new Date(Date.now() + offer.clockShiftMs),
    sync: {
      fetch: (input, init) =>
        offer.serve !== null && String(input).endsWith('/api/v1/election')
          ? Promise.resolve(jsonResponse(200, offer.serve))
          : fetch(input, init),
    },
  });
  opened.push(t);
  if (!dbPath) {
    const enrolled = await enrolThroughSetup(t.kiosk, {
      serverUrl: server.url,
      code: data.newCode(),
      label: name,
      authorityFingerprint: keyFingerprint(data.authorityPublicKey),
    });
    expect(enrolled.ok).toBe(true);
  }
  return { t, offer };
}

const unwrap = <T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

const shownSummary = async (t: TestKiosk, id: string): Promise<string | undefined> =>
  unwrap(await t.kiosk.handlers.getElection({})).election.projects.find((p) => p.id === id)?.summary;

beforeAll(async () => {
  data = prepareServerData(election);
  server = await startServerProcess(data.dir, 0);
});

afterAll(async () => {
  for (const t of opened) await t.close();
  await server?.stop();
});

describe('a correction of the current election', () => {
  it('waits, across a restart, until a mediator applies it; then the voter sees the new texts', async () => {
    const { t, offer } = await offeredKiosk('texts');
    const corrected: ElectionPackage = {
      ...election,
      revision: 2,
      title: `${election.title} (corrigé)`,
      projects: election.projects.map((p) =>
        p.id === 'projet-1'
          ? { ...p, summary: 'Résumé corrigé.' }
          : p.id === 'projet-2'
            ? { ...p, image: 'projet-2.webp' }
            : p,
      ),
    };
    offer.serve = sign(corrected);
    for (let round = 0; round < 2; round += 1) {
      const status = unwrap(await t.kiosk.handlers.syncNow({}));
      expect(status.lastError).toBeNull();
      expect(status.pendingCorrectionRevision).toBe(2);
    }
    const pending = journaled(t.kiosk.store, 'correction_pending');
    expect(pending.map((e) => [e['fromRevision'], e['toRevision']])).toEqual([[1, 2]]);
    expect(await shownSummary(t, 'projet-1')).toBe('Résumé.');

    // Kept in the kiosk's database: a restart finds it waiting.
    await t.close();
    opened.splice(opened.indexOf(t), 1);
    const { t: again } = await offeredKiosk('texts', t.dbPath);
    expect(again.engine.status().pendingCorrectionRevision).toBe(2);
    expect(unwrap(await again.kiosk.handlers.getCorrection({}))).toEqual({
      electionId: election.electionId,
      fromRevision: 1,
      toRevision: 2,
      changes: [
        { projectId: null, projectTitle: null, field: 'title', kind: 'text' },
        { projectId: 'projet-1', projectTitle: 'Projet 1', field: 'summary', kind: 'text' },
        { projectId: 'projet-2', projectTitle: 'Projet 2', field: 'image', kind: 'image' },
      ],
    });
    expect(await shownSummary(again, 'projet-1')).toBe('Résumé.');

    expect(await again.kiosk.handlers.applyCorrection({})).toEqual({
      ok: true,
      value: { electionId: election.electionId, revision: 2 },
    });
    expect(await shownSummary(again, 'projet-1')).toBe('Résumé corrigé.');
    expect(unwrap(await again.kiosk.handlers.getElection({})).election.title).toBe(corrected.title);
    expect(unwrap(await again.kiosk.handlers.getCorrection({}))).toBeNull();
    expect(again.engine.status().pendingCorrectionRevision).toBeNull();
    const applied = journaled(again.kiosk.store, 'correction_applied');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ fromRevision: 1, toRevision: 2 });
    expect(applied[0]?.['accountId']).toMatch(/^[0-9a-f]{16}$/);
    // Nothing left to apply.
    const twice = await again.kiosk.handlers.applyCorrection({});
    expect(!twice.ok && twice.error.code).toBe('not_ready');
  });

  it('is ignored when its revision is not higher than the one installed', async () => {
    const { t, offer } = await offeredKiosk('lower');
    offer.serve = sign({ ...election, revision: 1, title: 'Titre sans nouvelle révision' });
    const status = unwrap(await t.kiosk.handlers.syncNow({}));
    expect(status.lastError).toBeNull();
    expect(status.pendingCorrectionRevision).toBeNull();
    expect(unwrap(await t.kiosk.handlers.getCorrection({}))).toBeNull();
    expect(t.kiosk.context.election()?.title).toBe(election.title);
    expect(journaled(t.kiosk.store, 'correction_pending')).toEqual([]);
    expect(journaled(t.kiosk.store, 'package_refused')).toEqual([]);
  });

  it('is refused once a ballot exists if it changes a cost, the project list or the dates; nothing changes', async () => {
    const { t, offer } = await offeredKiosk('rules');
    castVotes(t.kiosk, election, 1);
    const before = t.kiosk.store.getElectionPackage();
    const forbidden: ElectionPackage[] = [
      { ...election, revision: 2, projects: election.projects.map((p) => ({ ...p, cost: p.cost + 1 })) },
      { ...election, revision: 2, projects: election.projects.slice(1) },
      { ...election, revision: 2, closesAt: new Date(Date.parse(election.closesAt) + DAY).toISOString() },
    ];
    for (const pkg of forbidden) {
      offer.serve = sign(pkg);
      for (let round = 0; round < 2; round += 1) {
        const status = unwrap(await t.kiosk.handlers.syncNow({}));
        expect(status.lastError?.code).toBe('correction_refused');
        expect(status.lastError?.message).toMatch(/plus que des textes ou des images/);
        expect(status.pendingCorrectionRevision).toBeNull();
      }
      expect(unwrap(await t.kiosk.handlers.getCorrection({}))).toBeNull();
      expect(t.kiosk.store.getElectionPackage()).toEqual(before);
    }
    // Journaled once per distinct package, with the fields refused.
    expect(journaled(t.kiosk.store, 'package_refused').map((e) => [e['code'], e['forbidden']])).toEqual([
      [
        'correction_forbidden',
        'projects[projet-1].cost,projects[projet-2].cost,projects[projet-3].cost,projects[projet-4].cost,projects[projet-5].cost,projects[projet-6].cost,projects[projet-7].cost,projects[projet-8].cost',
      ],
      ['correction_forbidden', 'projects'],
      ['correction_forbidden', 'closesAt'],
    ]);
    expect(journaled(t.kiosk.store, 'correction_pending')).toEqual([]);
    const applied = await t.kiosk.handlers.applyCorrection({});
    expect(!applied.ok && applied.error.code).toBe('not_ready');
  });

  it('may change a rule before the opening and with no ballot, but is checked again when applied', async () => {
    const { t, offer } = await offeredKiosk('before-opening');
    // The kiosk clock before the opening, no ballot on the kiosk: nothing can have been cast under it.
    offer.clockShiftMs = -70 * DAY;
    offer.serve = sign({ ...election, revision: 2, maxChoices: 2 });
    const status = unwrap(await t.kiosk.handlers.syncNow({}));
    expect(status.lastError).toBeNull();
    expect(unwrap(await t.kiosk.handlers.getCorrection({}))?.changes).toEqual([
      { projectId: null, projectTitle: null, field: 'maxChoices', kind: 'rule' },
    ]);
    // The election opens before the mediator applies it: a ballot may now exist, it is refused and dropped.
    offer.clockShiftMs = 0;
    const applied = await t.kiosk.handlers.applyCorrection({});
    expect(!applied.ok && applied.error.code).toBe('correction_refused');
    expect(t.kiosk.context.election()?.maxChoices).toBe(election.maxChoices);
    expect(unwrap(await t.kiosk.handlers.getCorrection({}))).toBeNull();
    expect(journaled(t.kiosk.store, 'correction_refused')).toHaveLength(1);
  });

  it('allowed before the opening, is dropped at the first round after the opening when it changes a rule', async () => {
    const { t, offer } = await offeredKiosk('dropped-at-opening');
    offer.clockShiftMs = -70 * DAY;
    offer.serve = sign({ ...election, revision: 2, minAge: 16 });
    expect(unwrap(await t.kiosk.handlers.syncNow({})).pendingCorrectionRevision).toBe(2);
    offer.clockShiftMs = 0;
    const status = unwrap(await t.kiosk.handlers.syncNow({}));
    expect(status.lastError?.code).toBe('correction_refused');
    expect(status.pendingCorrectionRevision).toBeNull();
    expect(unwrap(await t.kiosk.handlers.getCorrection({}))).toBeNull();
    expect(journaled(t.kiosk.store, 'correction_refused')).toHaveLength(1);
    expect(t.kiosk.context.election()?.minAge).toBe(election.minAge);
  });
});
