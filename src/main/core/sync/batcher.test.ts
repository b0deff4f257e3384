/**
 * Batcher and sync store on a real temp SQLite file: the hold-back (a batch seals K of 2K open ballots,
 * drawn at random; property-tested over any sequence of casts), the election's final batch (K to 2K − 1,
 * training apart, once), a failed seal leaves nothing behind (batch and open sets are one transaction),
 * signed batches and stored acks cannot be changed, unacked batches cannot be deleted, purge removes only
 * acked ones, both tables are STRICT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { parseJsonBytes, fromBase64url } from '../../../shared/node/crypto';
import { BatchPayload, ParticipationDocument } from '../../../shared/wire';
import { KioskStore } from '../store';
import { loadIdentity, type KioskIdentity } from '../identity';
import type { KeyRing } from '../keys';
import { drawUniform, sealFinal, sealHeldBack, type BatcherDeps } from './batcher';
import { SyncStore } from './sync-store';
import { insertBallot, insertParticipation } from '../store.test-helpers';

const K = 10;

let dir: string;
let store: KioskStore;
let sync: SyncStore;
let identity: KioskIdentity;
let keys: KeyRing;

function openAt(file: string): void {
  store = KioskStore.open(file);
  sync = new SyncStore(store);
  ({ identity, keys } = loadIdentity(store));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoloir-batcher-'));
  openAt(path.join(dir, 'kiosk.sqlite'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const deps = (overrides: Partial<BatcherDeps> = {}): BatcherDeps => ({
  syncStore: sync,
  kioskId: identity.kioskId,
  sign: (domain, value) => identity.signDocument(domain, value),
  openReceipt: (sealed) => keys.openReceiptLink(sealed),
  election: () => ({ electionId: 'bc-test', batchSize: K }),
  ...overrides,
});

const PROJECTS = ['a', 'b', 'c', 'd', 'e'];
let castCount = 0;

/** `n` votes of one mode as a cast writes them (ballot, participation, receipt), no sealing. */
function vote(n: number, training = false): void {
  store.transaction(() => {
    for (let i = 0; i < n; i += 1) {
      castCount += 1;
      insertParticipation(store, {
        token: randomBytes(32).toString('hex'),
        communeCode: '62041',
        ageBracket: '26-40',
        assisted: false,
        training,
        castDay: '2026-09-02',
      });
      insertBallot(
        store,
        {
          id: randomBytes(16).toString('hex'),
          choices: [PROJECTS[castCount % PROJECTS.length] as string],
          training,
          castDay: '2026-09-02',
        },
        keys,
      );
    }
  });
}

/** A cast as the kiosk does it: the vote, then the hold-back, in one transaction. */
function cast(training = false): void {
  store.transaction(() => {
    vote(1, training);
    sealHeldBack(deps(), training);
  });
}

interface Decoded {
  payload: BatchPayload;
  participations: ParticipationDocument;
}

function decodedBatches(): Decoded[] {
  return sync.allBatches().map((b) => ({
    payload: BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0))),
    participations: ParticipationDocument.parse(
      parseJsonBytes(fromBase64url(b.envelope.participations) ?? Buffer.alloc(0)),
    ),
  }));
}

const openCounts = (training: boolean): number[] => [
  store.countOpenBallots(training),
  store.countOpenParticipations(training),
];

describe('the hold-back', () => {
  it('seals nothing below 2K open; at 2K seals K, keeping K open', () => {
    for (let i = 0; i < 2 * K - 1; i += 1) cast();
    expect(sync.allBatches()).toEqual([]);
    expect(openCounts(false)).toEqual([2 * K - 1, 2 * K - 1]);
    cast();
    const [batch] = decodedBatches();
    expect(batch?.payload.ballots).toHaveLength(K);
    expect(batch?.payload.receipts).toHaveLength(K);
    expect(batch?.participations.items).toHaveLength(K);
    expect(batch?.payload.participations.count).toBe(K);
    expect(batch?.payload.final).toBe(false);
    expect(openCounts(false)).toEqual([K, K]);
  });

  it("a receipt leaves in its own ballot's batch, and only an unlocked kiosk can pair them", () => {
    // Each ballot chooses its own project, and its receipt commitment is the hash of that project: a
    // batch then shows whether its receipts are exactly its ballots' ones.
    const commitmentOf = (choice: string): string => createHash('sha256').update(choice).digest('hex');
    store.transaction(() => {
      for (let i = 0; i < 3 * K; i += 1) {
        const choice = `projet-${String(i).padStart(3, '0')}`;
        const receipt = keys.sealReceiptLink(commitmentOf(choice));
        if (!receipt.ok) throw new Error(receipt.error.code);
        store.insertVote(
          {
            id: randomBytes(16).toString('hex'),
            choices: [choice],
            training: false,
            castDay: '2026-09-02',
            receipt: receipt.value,
          },
          {
            token: randomBytes(32).toString('hex'),
            communeCode: '62041',
            ageBracket: '26-40',
            assisted: false,
            training: false,
            castDay: '2026-09-02',
          },
        );
      }
    });
    // Stored sealed: no commitment is readable in the open set.
    const openText = JSON.stringify(store.openBallots(false));
    expect(openText).not.toContain(commitmentOf('projet-000'));
    // Another kiosk's keys do not open them: the sealing refuses whole and takes nothing off the sets.
    const other = KioskStore.open(path.join(dir, 'other.sqlite'));
    const otherKeys = loadIdentity(other).keys;
    expect(otherKeys.openReceiptLink(store.openBallots(false)[0]?.receipt ?? '').ok).toBe(false);
    expect(() => sealHeldBack(deps({ openReceipt: (r) => otherKeys.openReceiptLink(r) }), false)).toThrow(
      /receipt link/,
    );
    other.close();
    expect(sync.allBatches()).toEqual([]);
    expect(openCounts(false)).toEqual([3 * K, 3 * K]);
    expect(sealHeldBack(deps(), false)).toHaveLength(2);
    expect(sealFinal(deps())).toHaveLength(1);
    const batches = decodedBatches();
    expect(batches.map((b) => b.payload.ballots.length)).toEqual([K, K, K]);
    for (const b of batches)
      expect(b.payload.receipts).toEqual(
        b.payload.ballots.map(([choice]) => commitmentOf(choice ?? '')).sort(),
      );
  });

  it('nothing is sealed without an election', () => {
    vote(2 * K);
    expect(sealHeldBack(deps({ election: () => null }), false)).toEqual([]);
    expect(sealFinal(deps({ election: () => null }))).toEqual([]);
    expect(sync.countWaiting()).toBe(0);
  });

  it('K is never taken below the floor of 10, whatever the election says', () => {
    vote(2 * K - 1);
    expect(sealHeldBack(deps({ election: () => ({ electionId: 'bc-test', batchSize: 1 }) }), false)).toEqual(
      [],
    );
  });

  it('draws uniformly: each item is taken about as often as any other', () => {
    const items = ['w', 'x', 'y', 'z'];
    const taken = new Map(items.map((x) => [x, 0]));
    for (let i = 0; i < 4000; i += 1) {
      const [one] = drawUniform(items, 1).taken;
      taken.set(one as string, (taken.get(one as string) ?? 0) + 1);
    }
    const { taken: two, rest } = drawUniform(items, 2);
    expect([...two, ...rest].sort()).toEqual(items);
    expect(rest).toEqual(items.filter((x) => !two.includes(x)));
    // Expected 1000 each; the standard deviation is about 27, so this band never fails by chance.
    for (const n of taken.values()) expect(n).toBeGreaterThan(800);
    for (const n of taken.values()) expect(n).toBeLessThan(1200);
  });

  it('property: any sequence of casts gives batches of exactly K, never 2K open, a final of K..2K−1', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 75 }), (modes) => {
        store.close();
        run += 1;
        openAt(path.join(dir, `property-${run}.sqlite`));
        const choicesCast: string[][] = [];
        for (const training of modes) {
          cast(training);
          expect(store.countOpenBallots(training)).toBeLessThan(2 * K);
        }
        for (const b of store.listBallots()) choicesCast.push(b.choices);
        sealFinal(deps());
        const batches = decodedBatches();
        for (const training of [false, true]) {
          const total = modes.filter((m) => m === training).length;
          const mine = batches.filter((b) => b.payload.training === training);
          for (const b of mine.filter((x) => !x.payload.final)) {
            expect(b.payload.ballots).toHaveLength(K);
            expect(b.payload.receipts).toHaveLength(K);
            expect(b.participations.items).toHaveLength(K);
          }
          const finals = mine.filter((x) => x.payload.final);
          expect(finals).toHaveLength(total === 0 ? 0 : 1);
          const last = finals[0];
          if (last) {
            const n = last.payload.ballots.length;
            if (total < K) expect(n).toBe(total);
            else {
              expect(n).toBeGreaterThanOrEqual(K);
              expect(n).toBeLessThanOrEqual(2 * K - 1);
            }
            expect(last.payload.receipts).toHaveLength(n);
            expect(last.participations.items).toHaveLength(n);
          }
          expect(mine.reduce((sum, b) => sum + b.payload.ballots.length, 0)).toBe(total);
        }
        // Every cast choice is in exactly one batch: nothing lost, nothing added.
        const published = batches.flatMap((b) => b.payload.ballots.map((c) => c.join(','))).sort();
        expect(published).toEqual(choicesCast.map((c) => c.join(',')).sort());
        expect([...openCounts(false), ...openCounts(true)]).toEqual([0, 0, 0, 0]);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the election's close", () => {
  it('seals everything open as final, training in its own batch; then nothing more', () => {
    vote(2 * K + 3);
    vote(4, true);
    const built = sealFinal(deps());
    // 23 open: one batch of K first (the final must stay below 2K), then the final of 13.
    expect(built.map((b) => [b.payload.training, b.payload.ballots.length, b.payload.final])).toEqual([
      [false, K, false],
      [false, K + 3, true],
      [true, 4, true],
    ]);
    expect(built.map((b) => b.seq)).toEqual([1, 2, 3]);
    expect([...openCounts(false), ...openCounts(true)]).toEqual([0, 0, 0, 0]);
    expect(sync.finalSealed('bc-test')).toBe(true);
    vote(2 * K);
    expect(sealFinal(deps())).toEqual([]);
    expect(sealHeldBack(deps(), false)).toEqual([]);
  });

  it('training tokens never join the register; real ones do', () => {
    vote(3);
    vote(2, true);
    const tokens = store.listParticipations().map((p) => ({ token: p.token, training: p.training }));
    sealFinal(deps());
    for (const { token, training } of tokens) expect(store.hasRealParticipation(token)).toBe(!training);
  });

  it('a seal that fails midway leaves neither a batch nor emptied open sets', () => {
    vote(2 * K + 5);
    let calls = 0;
    const failing = deps({
      sign: (domain, value) => {
        calls += 1;
        if (calls === 2) throw new Error('power cut while signing');
        return identity.signDocument(domain, value);
      },
    });
    expect(() => sealFinal(failing)).toThrow();
    expect(calls).toBe(2);
    // One transaction for the whole sealing: the first batch is rolled back with the second.
    expect(sync.allBatches()).toEqual([]);
    expect(openCounts(false)).toEqual([2 * K + 5, 2 * K + 5]);
    expect(sync.finalSealed('bc-test')).toBe(false);
    // And the next seal starts cleanly at seq 1.
    expect(sealFinal(deps()).map((b) => b.seq)).toEqual([1, 2]);
  });
});

describe('sync store guarantees (migration 0002)', () => {
  beforeEach(() => {
    vote(2 * K);
    sealHeldBack(deps(), false);
  });

  it('a signed batch is never changed', () => {
    expect(() => store.db.prepare("UPDATE batches SET envelope = '{}' WHERE seq = 1").run()).toThrow(
      /never changed/,
    );
  });

  it('an unacked batch is never deleted; purge removes acked ones only', () => {
    expect(() => store.db.prepare('DELETE FROM batches WHERE seq = 1').run()).toThrow(/never deleted/);
    vote(K);
    sealHeldBack(deps(), false);
    const first = sync.batch(1);
    expect(first && sync.markAcked(1, first.hash, '{"ack":1}', '2026-09-02T11:00:00Z')).toBe(true);
    expect(sync.purgeAcked()).toBe(1);
    expect(sync.allBatches().map((b) => b.seq)).toEqual([2]);
  });

  it('an ack is stored once, for its own hash only, and never replaced', () => {
    expect(sync.markAcked(1, '0'.repeat(64), '{}', 'x')).toBe(false);
    const hash = sync.batch(1)?.hash ?? '';
    expect(sync.markAcked(1, hash, '{"a":1}', '2026-09-02T11:00:00Z')).toBe(true);
    expect(sync.markAcked(1, hash, '{"a":2}', '2026-09-02T12:00:00Z')).toBe(false);
    expect(() => store.db.prepare("UPDATE batches SET ack = '{}' WHERE seq = 1").run()).toThrow(
      /never changed/,
    );
  });

  it('both tables are STRICT', () => {
    const strict = store.db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE name IN ('batches', 'sync_state')",
      )
      .all();
    expect(strict).toEqual(
      expect.arrayContaining([
        { name: 'batches', strict: 1 },
        { name: 'sync_state', strict: 1 },
      ]),
    );
  });
});
