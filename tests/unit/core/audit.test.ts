import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../../src/main/core/audit';
import { KioskStore } from '../../../src/main/core/store';
import { GENESIS_HASH } from '../../../src/shared/wire';
import { openTestKiosk, tempDir, unwrap, voter } from './fixtures';
import { openReceiptCommitments } from '../../../src/main/core/store.test-helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('audit journal', () => {
  it('chains each event to the previous one from the genesis hash', () => {
    const store = KioskStore.open(tmp.path('a.sqlite'));
    appendAudit(store, new Date('2026-09-01T08:00:00Z'), 'start', { kioskId: 'x' });
    appendAudit(store, new Date('2026-09-01T08:01:00Z'), 'ballot_cast', { training: false });
    const events = store.listAuditEvents();
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(events[1]?.prevHash).toBe(events[0]?.hash);
    expect(verifyAuditChain(events)).toEqual({ ok: true, events: 2 });
    store.close();
  });

  it('detects an edited, removed or reordered event', () => {
    const store = KioskStore.open(tmp.path('t.sqlite'));
    for (let i = 0; i < 5; i++)
      appendAudit(store, new Date(Date.UTC(2026, 8, 1, 8, i)), 'ballot_cast', { training: false });
    const events = store.listAuditEvents();
    store.close();
    const edited = events.map((e) => (e.seq === 3 ? { ...e, detail: '{"training":true}' } : e));
    expect(verifyAuditChain(edited)).toMatchObject({ ok: false, brokenAt: 3 });
    expect(verifyAuditChain(events.filter((e) => e.seq !== 2))).toMatchObject({ ok: false, brokenAt: 3 });
    const rehashedButUnlinked = events.map((e) => (e.seq === 4 ? { ...e, prevHash: GENESIS_HASH } : e));
    expect(verifyAuditChain(rehashedButUnlinked)).toMatchObject({ ok: false, brokenAt: 4 });
    expect(verifyAuditChain([events[1], events[0]].filter((e) => e !== undefined))).toMatchObject({
      ok: false,
      brokenAt: 2,
    });
  });

  it('detects tampering done on the file itself (triggers dropped by an attacker)', () => {
    const path = tmp.path('f.sqlite');
    const store = KioskStore.open(path);
    for (let i = 0; i < 3; i++) appendAudit(store, new Date(Date.UTC(2026, 8, 1, 8, i)), 'start', {});
    store.close();
    const raw = new Database(path);
    raw.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET kind = 'error' WHERE seq = 2;");
    raw.close();
    const reopened = KioskStore.open(path);
    expect(verifyAuditChain(reopened.listAuditEvents())).toMatchObject({ ok: false, brokenAt: 2 });
    reopened.close();
  });

  it('never holds a name, a token, a ballot id or a choice, and records refusals by code', async () => {
    const t = await openTestKiosk(tmp.dir);
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Lefèbvre-Dupont', 'Marie-Ange')));
    await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['repair-cafe', 'tiers-lieu'] }));
    await h.checkEligibility(voter('Lefèbvre-Dupont', 'Marie-Ange'));
    await h.checkEligibility(voter('Durand', 'Paul', '2020-01-01'));
    await unwrap(h.setTraining({ training: true }));
    const training = await unwrap(h.checkEligibility(voter('Zoé', 'Zoé')));
    await unwrap(h.castBallot({ sessionId: training.sessionId, choices: ['epicerie'] }));

    const events = t.kiosk.store.listAuditEvents();
    const text = JSON.stringify(events).toLowerCase();
    const secrets = [
      'lefèbvre',
      'lefebvre',
      'marie',
      'durand',
      'zoé',
      'zoe',
      'repair-cafe',
      'tiers-lieu',
      'epicerie',
      session.sessionId,
      ...t.kiosk.store.listBallots().flatMap((b) => (b.id ? [b.id] : [])),
      ...openReceiptCommitments(t.kiosk.store, t.kiosk.context.keys, false),
      ...t.kiosk.store.listParticipations().map((p) => p.token),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret.toLowerCase());
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'start',
        'package_loaded',
        'ballot_cast',
        'eligibility_refused',
        'training_changed',
      ]),
    );
    expect(
      events.filter((e) => e.kind === 'eligibility_refused').map((e) => JSON.parse(e.detail) as unknown),
    ).toEqual([{ reason: 'already_voted' }, { reason: 'too_young' }]);
    expect(verifyAuditChain(events).ok).toBe(true);
    t.close();
  });
});
