/**
 * Signed register pages (docs/secrecy.md, "Secrecy once published" §6): a kiosk stores the tokens of a
 * participation-register page only when the page is signed by the authority key pinned at enrolment and
 * repeats the request (this kiosk, this cursor, this election). A rogue or mistaken server plays each
 * attack here over real HTTP on 127.0.0.1 against a real kiosk core on a real SQLite file: a page signed
 * by another key, another kiosk's page, a page for another place in the register, an unsigned page. Each
 * is refused with a stable code, journaled, and stores nothing.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, signDocument } from '../../../src/shared/node/crypto';
import type { ParticipationPage } from '../../../src/shared/wire';
import { settingKeys } from '../../../src/main/core/store';
import { countRemoteParticipations } from '../../../src/main/core/store.test-helpers';
import { makeElection, openTestKiosk, signElection, tempDir, type TestKiosk } from '../../unit/core/fixtures';

let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
let server: FastifyInstance;
/** What the server answers to the next register pull. */
let answer: (after: string) => unknown;
const election = makeElection();

beforeEach(async () => {
  tmp = tempDir('isoloir-register-');
  t = await openTestKiosk(tmp.dir, { election });
  // The background loop stays idle: each test runs its rounds itself.
  t.kiosk.sync.configure({ idleMs: 1e9, probeMs: 1e9 });
  server = Fastify();
  server.get('/api/v1/election', async () => signElection(election, t.authority));
  server.get<{ Querystring: { after?: string } }>('/api/v1/participations', async (request) =>
    answer(request.query.after ?? ''),
  );
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  t.kiosk.store.setSetting(settingKeys.serverUrl, url);
});
afterEach(async () => {
  await server.close();
  t.close();
  tmp.remove();
});

const tokens = (): string[] => [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')].sort();

function page(overrides: Partial<ParticipationPage> = {}, after = '0'): ParticipationPage {
  return {
    v: 2,
    electionId: election.electionId,
    kioskId: t.kiosk.kioskId,
    after,
    tokens: tokens(),
    next: '2',
    ...overrides,
  };
}

const refusals = (): Array<{ reason?: string }> =>
  t.kiosk.store
    .listAuditEvents()
    .filter((e) => e.kind === 'register_refused')
    .map((e) => JSON.parse(e.detail) as { reason?: string });

describe('register pages', () => {
  it('a page signed by the authority for this kiosk and cursor is stored', async () => {
    let served = 0;
    answer = (after) => {
      served += 1;
      return signDocument(
        'registerPage',
        page(after === '0' ? {} : { tokens: [], next: after }, after),
        t.authority.keys.privateKey,
      );
    };
    expect(await t.kiosk.sync.runRound()).toBe('synced');
    expect(served).toBe(2);
    expect(countRemoteParticipations(t.kiosk.store)).toBe(2);
    expect(refusals()).toEqual([]);
  });

  const attacks: Array<[string, () => unknown, string, string]> = [
    [
      'signed by another key',
      () => signDocument('registerPage', page(), generateKeyPair().privateKey),
      'register_forged',
      'signature',
    ],
    [
      'signed under another domain (an ack)',
      () => signDocument('ack', page(), t.authority.keys.privateKey),
      'register_forged',
      'signature',
    ],
    [
      'meant for another kiosk',
      () => signDocument('registerPage', page({ kioskId: 'a'.repeat(32) }), t.authority.keys.privateKey),
      'register_forged',
      'mismatch',
    ],
    [
      'for another place in the register',
      () => signDocument('registerPage', page({}, '7'), t.authority.keys.privateKey),
      'register_forged',
      'mismatch',
    ],
    [
      'of another election',
      () => signDocument('registerPage', page({ electionId: 'autre' }), t.authority.keys.privateKey),
      'register_forged',
      'mismatch',
    ],
    ['unsigned (the v1 shape)', () => ({ tokens: tokens(), next: '2' }), 'register_malformed', 'malformed'],
  ];

  for (const [name, forge, code, reason] of attacks)
    it(`refuses a page ${name}, journals it and stores nothing`, async () => {
      answer = () => forge();
      expect(await t.kiosk.sync.runRound()).toBe('failed');
      expect(t.kiosk.sync.status().lastError?.code).toBe(code);
      expect(t.kiosk.sync.status().lastError?.message).toMatch(/liste des participants/);
      expect(countRemoteParticipations(t.kiosk.store)).toBe(0);
      expect(t.kiosk.sync.syncStore.getState('register_cursor')).toBeNull();
      expect(refusals()).toEqual([{ reason }]);
    });
});
