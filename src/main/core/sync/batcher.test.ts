/**
 * Batcher and sync store on a real temp SQLite file: batches close on size only, a failed seal leaves
 * nothing behind (batch and row marks are one transaction), signed batches and stored acks cannot be
 * changed, unacked batches cannot be deleted, purge removes only acked ones, both tables are STRICT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { KioskStore } from '../store';
import { loadOrCreateIdentity, type KioskIdentity } from '../identity';
import { sealDay, sealFullBatches, type BatcherDeps } from './batcher';
import { SyncStore } from './sync-store';
import { insertBallot, insertParticipation } from '../store.test-helpers';

let dir: string;
let store: KioskStore;
let sync: SyncStore;
let identity: KioskIdentity;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isoloir-batcher-'));
  store = KioskStore.open(path.join(dir, 'kiosk.sqlite'));
  sync = new SyncStore(store);
  identity = loadOrCreateIdentity(store);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const deps = (overrides: Partial<BatcherDeps> = {}): BatcherDeps => ({
  syncStore: sync,
  kioskId: identity.kioskId,
  sign: (domain, value) => identity.signDocument(domain, value),
  electionId: () => 'bc-test',
  now: () => new Date('2026-09-02T10:00:00Z'),
  batchSize: 3,
  ...overrides,
});

function vote(n: number, training = false): void {
  store.transaction(() => {
    for (let i = 0; i < n; i += 1) {
      insertParticipation(store, {
        token: randomBytes(32).toString('hex'),
        communeCode: '62041',
        ageBracket: '26-40',
        assisted: false,
        training,
        castDay: '2026-09-02',
      });
      insertBallot(store, {
        id: randomBytes(16).toString('hex'),
        choices: ['a'],
        training,
        castDay: '2026-09-02',
      });
    }
  });
}

describe('batcher', () => {
  it('closes batches on size only, chained, leaving the remainder waiting', () => {
    vote(7);
    const sealed = sealFullBatches(deps());
    expect(sealed.map((b) => b.seq)).toEqual([1, 2]);
    expect(sealed[1]?.payload.prevHash).toBe(sealed[0]?.hash);
    expect(sync.countOutbox()).toEqual({ ballots: 1, participations: 1 });
    expect(sealFullBatches(deps())).toEqual([]);
  });

  it('nothing is sealed without an election', () => {
    vote(5);
    expect(sealFullBatches(deps({ electionId: () => null }))).toEqual([]);
    expect(sync.countWaiting()).toBe(0);
  });

  it('a seal that fails midway leaves neither a batch nor marked rows', () => {
    vote(6);
    let calls = 0;
    const failing = deps({
      sign: (domain, value) => {
        calls += 1;
        if (calls === 2) throw new Error('power cut while signing');
        return identity.signDocument(domain, value);
      },
    });
    expect(() => sealFullBatches(failing)).toThrow();
    expect(calls).toBe(2);
    // One transaction for the whole sealing: the first batch is rolled back with the second.
    expect(sync.allBatches()).toEqual([]);
    expect(sync.countOutbox()).toEqual({ ballots: 6, participations: 6 });
    expect(store.listBallots().filter((b) => b.batchSeq !== null)).toHaveLength(0);
    // And the next seal starts cleanly at seq 1.
    expect(sealFullBatches(deps()).map((b) => b.seq)).toEqual([1, 2]);
  });

  it('closing the day seals everything, the last batch final with the counts; training stays home', () => {
    vote(4);
    vote(2, true);
    const day = sealDay(deps(), '2026-09-02');
    expect(day?.counts).toEqual({ day: '2026-09-02', ballots: 4, participations: 4 });
    expect(day?.batches.map((b) => [b.payload.ballots.length, b.payload.final])).toEqual([
      [3, false],
      [1, true],
    ]);
    expect(sync.countOutbox().ballots).toBe(0);
    expect(store.listBallots().filter((b) => b.training && b.batchSeq !== null)).toHaveLength(0);
  });
});

describe('sync store guarantees (migration 0002)', () => {
  beforeEach(() => {
    vote(3);
    sealFullBatches(deps());
  });

  it('a signed batch is never changed', () => {
    expect(() => store.db.prepare("UPDATE batches SET envelope = '{}' WHERE seq = 1").run()).toThrow(
      /never changed/,
    );
  });

  it('an unacked batch is never deleted; purge removes acked ones only', () => {
    expect(() => store.db.prepare('DELETE FROM batches WHERE seq = 1').run()).toThrow(/never deleted/);
    vote(3);
    sealFullBatches(deps());
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
