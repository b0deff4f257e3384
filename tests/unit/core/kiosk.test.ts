import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKiosk } from '../../../src/main/core/kiosk';
import { kioskMethods } from '../../../src/shared/api';
import { dispatch } from '../../../src/shared/dispatch';
import {
  makeElection,
  openTestDay,
  openTestKiosk,
  tempDir,
  unlockTestMediator,
  unwrap,
  voter,
  writeCommunesFile,
} from './fixtures';
import { openReceiptCommitments } from '../../../src/main/core/store.test-helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('openKiosk facade', () => {
  it('implements every method of the typed contract', async () => {
    const t = await openTestKiosk(tmp.dir);
    for (const method of kioskMethods) expect(typeof t.kiosk.handlers[method], method).toBe('function');
    t.close();
  });

  it('reports a fresh, unprovisioned kiosk plainly', async () => {
    const kiosk = openKiosk({ dbPath: tmp.path('fresh.sqlite'), communesPath: writeCommunesFile(tmp.dir) });
    const status = await unwrap(kiosk.handlers.getStatus({}));
    expect(status).toMatchObject({
      enrolled: false,
      state: 'no_election',
      training: false,
      election: null,
      ballotsCast: 0,
      label: null,
    });
    expect(status.kioskId).toBe(kiosk.kioskId);
    // Until its setup is done, no voter reaches the election.
    const election = await kiosk.handlers.getElection({});
    expect(!election.ok && election.error.code).toBe('setup_needed');
    const eligibility = await kiosk.handlers.checkEligibility({ ...voter('Personne'), assisted: false });
    expect(!eligibility.ok && eligibility.error.code).toBe('setup_needed');
    kiosk.close();
  });

  it('reports the election and the count of real ballots', async () => {
    const t = await openTestKiosk(tmp.dir);
    const s = await unwrap(t.kiosk.handlers.checkEligibility(voter('Compte')));
    await unwrap(t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
    const status = await unwrap(t.kiosk.handlers.getStatus({}));
    expect(status).toMatchObject({
      enrolled: true,
      state: 'open',
      label: 'Kiosque de test',
      ballotsCast: 1,
      election: { electionId: 'budget-citoyen-test', minChoices: 1, maxChoices: 3, minAge: 11 },
    });
    t.close();
  });

  it('passes embedded data: images through and gives a placeholder for file names', async () => {
    const t = await openTestKiosk(tmp.dir);
    const view = await unwrap(t.kiosk.handlers.getElection({}));
    expect(view.election).toEqual(makeElection());
    expect(view.imageUrls['jardin']).toBe('data:image/webp;base64,UklGRg==');
    expect(view.imageUrls['velo']).toMatch(/^data:image\/svg\+xml/);
    expect(Object.keys(view.imageUrls).sort()).toEqual(
      makeElection()
        .projects.map((p) => p.id)
        .sort(),
    );
    t.close();
  });

  it('works behind dispatch: raw inputs are parsed by the contract before the core sees them', async () => {
    const t = await openTestKiosk(tmp.dir);
    const bad = await dispatch(t.kiosk.handlers, 'checkEligibility', {
      communeCode: 'x',
      birthDate: '1990-01-01',
    });
    expect(!bad.ok && bad.error.code).toBe('invalid_input');
    const session = await dispatch(t.kiosk.handlers, 'checkEligibility', {
      communeCode: '62041',
      birthDate: '1990-01-01',
      familyName: 'Dispatch',
      firstName: 'Eve',
    });
    expect(session.ok).toBe(true);
    const sessionId = session.ok ? (session.value as { sessionId: string }).sessionId : '';
    const receipt = await dispatch(t.kiosk.handlers, 'castBallot', { sessionId, choices: ['velo'] });
    expect(receipt.ok).toBe(true);
    t.close();
  });

  it('runs close-time cleanups once, then closes the database', async () => {
    const t = await openTestKiosk(tmp.dir);
    let calls = 0;
    t.kiosk.context.onClose(() => (calls += 1));
    t.kiosk.close();
    t.kiosk.close();
    expect(calls).toBe(1);
    expect(t.kiosk.store.db.open).toBe(false);
  });

  it('never passes a name, a token or a choice to the log', async () => {
    const lines: string[] = [];
    const t = await openTestKiosk(tmp.dir);
    t.close();
    const kiosk = openKiosk({
      dbPath: t.dbPath,
      communesPath: writeCommunesFile(tmp.dir),
      now: t.clock.now,
      log: (event, detail) => lines.push(JSON.stringify({ event, ...detail })),
    });
    await unlockTestMediator(kiosk);
    const s = await unwrap(kiosk.handlers.checkEligibility(voter('Journal', 'Secret')));
    await unwrap(kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['tiers-lieu'] }));
    await kiosk.handlers.checkEligibility(voter('Journal', 'Secret'));
    const text = lines.join('\n').toLowerCase();
    expect(lines.some((l) => l.includes('ballot_cast'))).toBe(true);
    for (const secret of [
      'journal',
      'secret',
      'tiers-lieu',
      ...kiosk.store.listParticipations().map((p) => p.token),
      ...kiosk.store.listBallots().flatMap((b) => (b.id ? [b.id] : [])),
      ...openReceiptCommitments(kiosk.store, kiosk.context.keys, false),
    ])
      expect(text).not.toContain(secret);
    kiosk.close();
  });
});

describe('the real generated sample election', () => {
  const dir = resolve('resources/generated');
  const present =
    existsSync(resolve(dir, 'sample-election.signed.json')) &&
    existsSync(resolve(dir, 'demo-authority.json'));
  if (!present)
    console.warn(`SKIPPED: ${dir} has no sample election — run "npm run build:data" first (npm test does).`);

  it.skipIf(!present)('loads, verifies and takes a vote today', async () => {
    const authority = JSON.parse(readFileSync(resolve(dir, 'demo-authority.json'), 'utf8')) as {
      authority: { publicKey: string };
      participationKey: string;
    };
    const kiosk = openKiosk({
      dbPath: tmp.path('sample.sqlite'),
      provision: {
        authorityPublicKey: authority.authority.publicKey,
        participationKey: authority.participationKey,
        electionFile: resolve(dir, 'sample-election.signed.json'),
      },
      pinKdfLogN: 10,
    });
    // A mediator is set up and opens the day, as on a counter.
    await unlockTestMediator(kiosk);
    await openTestDay(kiosk);
    const view = await unwrap(kiosk.handlers.getElection({}));
    expect(view.election.projects.length).toBe(54);
    expect(view.election.territories.length).toBe(8);
    const status = await unwrap(kiosk.handlers.getStatus({}));
    if (status.state === 'open') {
      const [commune] = await unwrap(kiosk.handlers.searchCommunes({ query: 'arras', limit: 1 }));
      const s = await unwrap(
        kiosk.handlers.checkEligibility({
          ...voter('Échantillon', 'Zoé', '2000-01-01', commune?.code ?? ''),
          assisted: false,
        }),
      );
      expect(s.territoryId).toBe('arrageois');
      const ids = view.election.projects.slice(0, 3).map((p) => p.id);
      await unwrap(kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ids }));
      expect(kiosk.store.countBallots(false)).toBe(1);
    }
    kiosk.close();
  });
});
