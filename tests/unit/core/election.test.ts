import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electionState, readElectionFile, verifyElectionDocument } from '../../../src/main/core/election';
import { openKiosk } from '../../../src/main/core/kiosk';
import { ProvisionRefusedError } from '../../../src/main/core/provision';
import { settingKeys } from '../../../src/main/core/store';
import { signDocument, toBase64url } from '../../../src/shared/node/crypto';
import {
  DAY_MS,
  makeAuthority,
  makeElection,
  openTestKiosk,
  signElection,
  tempDir,
  unwrap,
  writeCommunesFile,
  writeElectionFile,
} from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('signed election package', () => {
  const authority = makeAuthority();

  it('accepts a package signed by the pinned authority and returns the exact document', () => {
    const doc = signElection(makeElection(), authority);
    const result = verifyElectionDocument(doc, authority.keys.publicKey);
    expect(result.ok && result.value.election.electionId).toBe('budget-citoyen-test');
    expect(result.ok && result.value.document).toEqual(doc);
  });

  it('refuses a package signed by another key (package_signature_invalid)', () => {
    const doc = signElection(makeElection(), makeAuthority());
    const result = verifyElectionDocument(doc, authority.keys.publicKey);
    expect(!result.ok && result.error.code).toBe('package_signature_invalid');
  });

  it('refuses a package whose payload was changed after signing', () => {
    const doc = signElection(makeElection(), authority);
    const altered = toBase64url(Buffer.from(JSON.stringify(makeElection({ maxChoices: 5 }))));
    const result = verifyElectionDocument({ ...doc, payload: altered }, authority.keys.publicKey);
    expect(!result.ok && result.error.code).toBe('package_signature_invalid');
  });

  it('checks the signature before parsing: garbage under a wrong key is a signature error, not malformed', () => {
    const doc = signDocument('election', 'not a package', makeAuthority().keys.privateKey);
    const result = verifyElectionDocument(doc, authority.keys.publicKey);
    expect(!result.ok && result.error.code).toBe('package_signature_invalid');
  });

  it('refuses a package signed for another domain (a batch signature is not an election signature)', () => {
    const doc = signDocument('batch', makeElection(), authority.keys.privateKey);
    const result = verifyElectionDocument(doc, authority.keys.publicKey);
    expect(!result.ok && result.error.code).toBe('package_signature_invalid');
  });

  it('refuses a well-signed payload that is not a valid package (package_malformed)', () => {
    for (const payload of [{ ...makeElection(), minChoices: 4, maxChoices: 3 }, { v: 2 }, 'text', null]) {
      const result = verifyElectionDocument(signElection(payload, authority), authority.keys.publicKey);
      expect(!result.ok && result.error.code).toBe('package_malformed');
    }
  });

  it('takes a département code whole: 62, 2A, 976 yes; 62xyz or x62 no', () => {
    for (const department of ['62', '2A', '976']) {
      const result = verifyElectionDocument(
        signElection(makeElection({ department }), authority),
        authority.keys.publicKey,
      );
      expect(result.ok, department).toBe(true);
    }
    for (const department of ['62xyz', 'x62', '2C', '']) {
      const result = verifyElectionDocument(
        signElection(makeElection({ department }), authority),
        authority.keys.publicKey,
      );
      expect(!result.ok && result.error.code, department).toBe('package_malformed');
    }
  });

  it('refuses a document that is not {payload, signature}, or a file that is not JSON', () => {
    for (const raw of [null, {}, { payload: 'a' }, { payload: 'a+b', signature: 'c' }, []]) {
      const result = verifyElectionDocument(raw, authority.keys.publicKey);
      expect(!result.ok && result.error.code).toBe('package_malformed');
    }
    const path = tmp.path('broken.json');
    writeFileSync(path, '{"payload": ');
    const file = readElectionFile(path, authority.keys.publicKey);
    expect(!file.ok && file.error.code).toBe('package_malformed');
    expect(!file.ok && file.error.message).toMatch(/abîmé/);
  });

  it('gives the election state by the kiosk clock', () => {
    const election = makeElection();
    const opens = Date.parse(election.opensAt);
    const closes = Date.parse(election.closesAt);
    expect(electionState(null, new Date())).toBe('no_election');
    expect(electionState(election, new Date(opens - 1))).toBe('not_open');
    expect(electionState(election, new Date(opens))).toBe('open');
    expect(electionState(election, new Date(closes - 1))).toBe('open');
    expect(electionState(election, new Date(closes))).toBe('closed');
  });
});

describe('the package names the département', () => {
  it('a package for a département whose communes this kiosk lacks refuses eligibility with a clear message', async () => {
    const t = await openTestKiosk(tmp.dir, { election: makeElection({ department: '59' }) });
    try {
      const result = await t.kiosk.handlers.checkEligibility({
        communeCode: '62041',
        birthDate: '1980-01-01',
        familyName: 'Nord',
        firstName: 'Camille',
        assisted: false,
      });
      expect(!result.ok && result.error).toMatchObject({
        code: 'not_ready',
        message: expect.stringContaining('communes de ce département'),
      });
    } finally {
      t.close();
    }
  });
});

describe('provisioning a kiosk', () => {
  it('stores the package verbatim and serves it after a restart', async () => {
    const t = await openTestKiosk(tmp.dir);
    const stored = t.kiosk.store.getElectionPackage();
    const doc = JSON.parse(readFileSync(tmp.path('election.signed.json'), 'utf8')) as unknown;
    expect(stored).toEqual({ electionId: 'budget-citoyen-test', ...(doc as object) });
    t.close();
    const again = openKiosk({ dbPath: t.dbPath, communesPath: writeCommunesFile(tmp.dir), now: t.clock.now });
    const status = await unwrap(again.handlers.getStatus({}));
    expect(status.election?.electionId).toBe('budget-citoyen-test');
    expect(status.state).toBe('open');
    again.close();
  });

  it('refuses a bad election file with a ProvisionRefusedError and loads nothing', () => {
    const authority = makeAuthority();
    const file = writeElectionFile(tmp.dir, makeElection(), makeAuthority());
    expect(() =>
      openKiosk({
        dbPath: tmp.path('k.sqlite'),
        provision: {
          authorityPublicKey: authority.keys.publicKey,
          participationKey: authority.participationKey,
          electionFile: file,
        },
      }),
    ).toThrow(ProvisionRefusedError);
    const again = openKiosk({ dbPath: tmp.path('k.sqlite') });
    expect(again.store.getElectionPackage()).toBeNull();
    expect(again.store.listAuditEvents().map((e) => e.kind)).toContain('package_refused');
    again.close();
  });

  it('does not trust a stored package that no longer verifies (edited on disk)', async () => {
    const t = await openTestKiosk(tmp.dir);
    const stored = t.kiosk.store.getElectionPackage();
    if (!stored) throw new Error('no package');
    t.kiosk.store.putElectionPackage({
      ...stored,
      payload: toBase64url(Buffer.from(JSON.stringify(makeElection({ minAge: 0 })))),
    });
    t.close();
    const again = openKiosk({ dbPath: t.dbPath, now: t.clock.now });
    const status = await unwrap(again.handlers.getStatus({}));
    expect(status.state).toBe('no_election');
    again.close();
  });

  it('refuses to replace an election that has real ballots by another one, unless a mediator confirms', async () => {
    const t = await openTestKiosk(tmp.dir);
    const session = await unwrap(
      t.kiosk.handlers.checkEligibility({
        communeCode: '62041',
        birthDate: '1970-01-01',
        familyName: 'Martin',
        firstName: 'Léa',
        assisted: false,
      }),
    );
    await unwrap(t.kiosk.handlers.castBallot({ sessionId: session.sessionId, choices: ['velo'] }));
    const other = signElection(makeElection({ electionId: 'autre-consultation' }), t.authority);
    const refused = t.kiosk.context.installElection(other);
    expect(!refused.ok && refused.error.details).toEqual({ reason: 'other_election' });
    expect(t.kiosk.context.election()?.electionId).toBe('budget-citoyen-test');
    const accepted = t.kiosk.context.installElection(other, { allowNewElection: true });
    expect(accepted.ok).toBe(true);
    expect(t.kiosk.context.election()?.electionId).toBe('autre-consultation');
    t.close();
  });

  it('pins the authority key given at provisioning', async () => {
    const t = await openTestKiosk(tmp.dir);
    expect(t.kiosk.store.getSetting(settingKeys.authorityPublicKey)).toBe(t.authority.keys.publicKey);
    const foreign = signElection(
      makeElection({ closesAt: new Date(Date.now() + 400 * DAY_MS).toISOString() }),
      makeAuthority(),
    );
    const result = t.kiosk.context.installElection(foreign);
    expect(!result.ok && result.error.code).toBe('package_signature_invalid');
    t.close();
  });
});
