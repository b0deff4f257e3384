/**
 * Ballot secrecy in the file itself (DESIGN §3.1, docs/secrecy.md): nothing the kiosk writes lets anyone
 * line a ballot up with a participation or with the moment it was cast — no timestamp or link column,
 * and, read as raw bytes the way a forensic tool reads a disk, neither the database file nor its WAL
 * keeps the order of casting.
 *
 * The attack these tests replay: with one SQLite row per ballot and per participation, each new cell of
 * a b-tree page is written below the previous one, whatever its key, so sorting ballots and
 * participations by their byte offset in the file paired every ballot with its voter; and each WAL
 * commit held one new ballot beside one new participation.
 *
 * Wire v2 adds the receipt: the code the voter takes home is never written, only its commitment, in an
 * open set of its own sorted by value; and a batch seals K of 2K open ballots (the hold-back), so the
 * sealed ones leave no local key and no token in clear behind them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KioskStore } from '../../../src/main/core/store';
import { openTestKiosk, tempDir, unwrap, voter, type TestKiosk } from './fixtures';
import {
  detachedKeys,
  insertBallot,
  insertParticipation,
  openReceiptCommitments,
} from '../../../src/main/core/store.test-helpers';

/** Every byte offset of `needle` in `haystack`. */
function offsets(haystack: Buffer, needle: string): number[] {
  const found: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/**
 * After the scrub the WAL holds at most one valid frame, page 1 (file header and schema), written to
 * start the next WAL off the voter's path, then zeros up to its padding. Nothing of a vote may be in it.
 */
function expectWalScrubbed(dbPath: string, values: readonly string[]): void {
  if (!existsSync(`${dbPath}-wal`)) return;
  const wal = readFileSync(`${dbPath}-wal`);
  const pageSize = readFileSync(dbPath).readUInt16BE(16);
  const frames = 32 + 24 + pageSize;
  expect(wal.length).toBeLessThanOrEqual(Math.max(frames, 64 * 1024));
  expect(wal.subarray(frames).every((byte) => byte === 0)).toBe(true);
  for (const value of values) expect(offsets(wal, value)).toEqual([]);
}

/** Lets the kiosk's post-cast work (the WAL scrub, scheduled with setImmediate) run. */
const afterCastWork = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const communes = ['62041', '62193', '62765', '62498', '62178'];

describe('ballot secrecy at rest', () => {
  const tmp = tempDir();
  let t: TestKiosk;
  beforeAll(async () => {
    t = await openTestKiosk(tmp.dir);
  });
  afterAll(() => {
    t.close();
    tmp.remove();
  });

  it('has no time and no link column, and only the day inside the open sets', async () => {
    const columns = (table: string): string[] =>
      t.kiosk.store.db
        .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
        .all()
        .map((c) => c.name)
        .sort();
    expect(columns('open_ballots')).toEqual(['items', 'training']);
    expect(columns('open_participations')).toEqual(['items', 'training']);
    // Receipt commitments wait sealed inside their ballot's entry, never in a table of their own.
    expect(columns('open_receipts')).toEqual([]);
    expect(columns('local_register')).toEqual(['token']);
    expect(columns('day_counts')).toEqual(['assisted', 'ballots', 'day', 'participations', 'training']);
    // The v1 one-row-per-vote tables are gone.
    expect(columns('ballots')).toEqual([]);
    expect(columns('participations')).toEqual([]);

    const s = await unwrap(t.kiosk.handlers.checkEligibility(voter('Colonnes')));
    await unwrap(t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
    const [ballot] = t.kiosk.store.openBallots(false);
    const [participation] = t.kiosk.store.openParticipations(false);
    // `receipt` is the sealed commitment (random IV, AES-GCM): no time, no order, no link in clear.
    expect(Object.keys(ballot ?? {}).sort()).toEqual(['castDay', 'choices', 'id', 'receipt']);
    expect(Object.keys(participation ?? {}).sort()).toEqual([
      'ageBracket',
      'assisted',
      'castDay',
      'communeCode',
      'token',
    ]);
  });
});

describe('the raw file does not keep the order of casting', () => {
  const tmp = tempDir();
  let t: TestKiosk;
  beforeAll(async () => {
    t = await openTestKiosk(tmp.dir);
  });
  afterAll(() => {
    t.close();
    tmp.remove();
  });

  const codes: string[] = [];
  /** A receipt code as shown ("7K3F-Q9XM") and as typed without its dash: neither may be on the disk. */
  const codeForms = (): string[] => codes.flatMap((c) => [c, c.replace('-', '')]);

  it('19 voters (one short of 2K): each id and token once in the file, at an offset that follows its key; nothing of theirs in the WAL; no receipt code anywhere', async () => {
    const castOrder: Array<{ id: string; token: string }> = [];
    const known = (): { ids: Set<string>; tokens: Set<string> } => ({
      ids: new Set(castOrder.map((c) => c.id)),
      tokens: new Set(castOrder.map((c) => c.token)),
    });
    for (let i = 0; i < 19; i++) {
      const s = await unwrap(
        t.kiosk.handlers.checkEligibility(voter(`Ordre${i}`, 'Camille', '1980-06-15', communes[i % 5])),
      );
      const receipt = await unwrap(
        t.kiosk.handlers.castBallot({
          sessionId: s.sessionId,
          choices: [['velo', 'jardin', 'epicerie'][i % 3]!],
        }),
      );
      codes.push(receipt.receiptCode);
      await afterCastWork();
      const { ids, tokens } = known();
      const id = t.kiosk.store.openBallots(false).find((b) => !ids.has(b.id))?.id ?? '';
      const token = t.kiosk.store.openParticipations(false).find((p) => !tokens.has(p.token))?.token ?? '';
      castOrder.push({ id, token });
      // After each cast, as a thief taking the disk at that moment would find it.
      expectWalScrubbed(t.dbPath, [
        ...castOrder.map((c) => c.id),
        ...castOrder.map((c) => c.token),
        ...codeForms(),
      ]);
    }
    expect(t.kiosk.store.countOpenBallots(false)).toBe(19);
    const commitments = openReceiptCommitments(t.kiosk.store, t.kiosk.context.keys, false);
    expect(commitments).toHaveLength(19);

    const file = readFileSync(t.dbPath);
    // The receipt codes are nowhere in the file, nor their commitments in clear: each is sealed beside
    // its ballot under a key only the unlocked kiosk derives.
    for (const form of codeForms()) expect(offsets(file, form)).toEqual([]);
    for (const c of commitments) expect(offsets(file, c)).toEqual([]);
    const idOffsets = castOrder.map((c) => offsets(file, c.id));
    const tokenOffsets = castOrder.map((c) => offsets(file, c.token));
    // Exactly once: no earlier version of the open set survives anywhere in the file (secure_delete).
    expect(idOffsets.map((o) => o.length)).toEqual(castOrder.map(() => 1));
    expect(tokenOffsets.map((o) => o.length)).toEqual(castOrder.map(() => 1));
    // Sorting by position gives key order, which is random: the attack learns nothing of who voted what.
    const byPosition = (values: string[], at: number[][]): string[] =>
      values
        .map((v, i) => ({ v, at: at[i]?.[0] ?? -1 }))
        .sort((a, b) => a.at - b.at)
        .map((x) => x.v);
    const ids = castOrder.map((c) => c.id);
    const tokens = castOrder.map((c) => c.token);
    expect(byPosition(ids, idOffsets)).toEqual([...ids].sort());
    expect(byPosition(tokens, tokenOffsets)).toEqual([...tokens].sort());
    // And position order is not cast order (19 random ids in cast order: probability 1/19!).
    expect(byPosition(ids, idOffsets)).not.toEqual(ids);
  });

  it('the 20th voter (2K) seals K in the same commit: no local key of a sealed ballot left, no token in clear outside the register, still no code', async () => {
    const before = {
      ids: t.kiosk.store.openBallots(false).map((b) => b.id),
      tokens: t.kiosk.store.openParticipations(false).map((p) => p.token),
    };
    const s = await unwrap(t.kiosk.handlers.checkEligibility(voter('Vingtieme')));
    const receipt = await unwrap(
      t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['repair-cafe'] }),
    );
    codes.push(receipt.receiptCode);
    await afterCastWork();
    expect(t.kiosk.store.countOpenBallots(false)).toBe(10);
    expect(t.kiosk.store.countOpenParticipations(false)).toBe(10);
    expect(openReceiptCommitments(t.kiosk.store, t.kiosk.context.keys, false)).toHaveLength(10);
    expect(t.kiosk.store.listBallots().filter((b) => b.batchSeq === 1)).toHaveLength(10);
    const stillOpen = new Set(t.kiosk.store.openBallots(false).map((b) => b.id));
    const sealedIds = before.ids.filter((id) => !stillOpen.has(id));
    expect(sealedIds.length).toBeGreaterThanOrEqual(9);
    const openTokens = new Set(t.kiosk.store.openParticipations(false).map((p) => p.token));
    const sealedTokens = before.tokens.filter((token) => !openTokens.has(token));
    const file = readFileSync(t.dbPath);
    // A sealed ballot lives only inside the signed envelope (base64url of the sorted ballot document),
    // with no local key; a sealed token is in clear once, in the register, nowhere else.
    for (const id of sealedIds) expect(offsets(file, id)).toEqual([]);
    for (const token of sealedTokens) expect(offsets(file, token)).toHaveLength(1);
    for (const form of codeForms()) expect(offsets(file, form)).toEqual([]);
    expectWalScrubbed(t.dbPath, [...sealedIds, ...codeForms()]);
    expect(t.kiosk.store.countBallots(false)).toBe(20);
  });
});

describe('KioskStore open sets', () => {
  const tmp = tempDir('isoloir-open-sets-');
  const stores: KioskStore[] = [];
  const open = (name: string): KioskStore => {
    const store = KioskStore.open(tmp.path(name));
    stores.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  afterAll(() => tmp.remove());

  const cast = (store: KioskStore, id: string, token: string): void =>
    store.transaction(() => {
      insertBallot(store, { id, choices: ['velo'], training: false, castDay: '2026-09-02' }, detachedKeys());
      insertParticipation(store, {
        token,
        communeCode: '62041',
        ageBracket: '26-40',
        assisted: false,
        training: false,
        castDay: '2026-09-02',
      });
    });

  it('the same votes cast in any order leave the same stored sets (property)', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.uint8Array({ minLength: 16, maxLength: 16 }),
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
          ),
          {
            minLength: 2,
            maxLength: 15,
            selector: ([id]) => Buffer.from(id).toString('hex'),
          },
        ),
        fc.infiniteStream(fc.nat()),
        (votes, picks) => {
          run += 1;
          const hex = votes.map(([id, token]) => ({
            id: Buffer.from(id).toString('hex'),
            token: Buffer.from(token).toString('hex'),
          }));
          if (new Set(hex.map((v) => v.token)).size !== hex.length) return;
          // A second order: a shuffle driven by the stream.
          const shuffled = [...hex];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (picks.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const a = open(`order-a-${run}.sqlite`);
          const b = open(`order-b-${run}.sqlite`);
          for (const v of hex) cast(a, v.id, v.token);
          for (const v of shuffled) cast(b, v.id, v.token);
          // Each ballot's sealed receipt is fresh random bytes (a random commitment under a random IV):
          // set aside, everything stored must be byte for byte the same whatever the order.
          const stored = (s: KioskStore): string[] =>
            ['open_ballots', 'open_participations'].map((table) =>
              JSON.stringify(
                (
                  JSON.parse(
                    s.db.prepare<[], { items: string }>(`SELECT items FROM ${table} WHERE training = 0`).get()
                      ?.items ?? '[]',
                  ) as Array<Record<string, unknown>>
                ).map(({ receipt, ...rest }) =>
                  receipt === undefined ? rest : { ...rest, receipt: 'sealed' },
                ),
              ),
            );
          expect(stored(b)).toEqual(stored(a));
          a.close();
          b.close();
        },
      ),
      { numRuns: 20 },
    );
  });

  it('a batch size that spills onto overflow pages still leaves no earlier copy behind', () => {
    const store = open('overflow.sqlite');
    const votes = Array.from({ length: 120 }, () => ({
      id: randomBytes(16).toString('hex'),
      token: randomBytes(32).toString('hex'),
    }));
    for (const v of votes) cast(store, v.id, v.token);
    expect(store.scrubJournal()).toBe(true);
    const path = tmp.path('overflow.sqlite');
    expectWalScrubbed(path, [...votes.map((v) => v.id), ...votes.map((v) => v.token)]);
    const file = readFileSync(path);
    // A value cut by an overflow page's header is not found whole (0), but none may be found twice.
    const counts = [...votes.map((v) => offsets(file, v.id)), ...votes.map((v) => offsets(file, v.token))];
    expect(Math.max(...counts.map((o) => o.length))).toBe(1);
    // Most values are whole. The chain of overflow pages comes from the free list, so pages need not
    // follow one another in the file; but the chain holds one sorted array: inside each page, the
    // values are in key order, and nothing else is there to read.
    const found = votes.filter((v) => offsets(file, v.id).length === 1);
    expect(found.length).toBeGreaterThan(votes.length / 2);
    const pageSize = file.readUInt16BE(16);
    const pages = new Map<number, Array<{ id: string; at: number }>>();
    for (const v of found) {
      const at = offsets(file, v.id)[0] ?? 0;
      const page = Math.floor(at / pageSize);
      pages.set(page, [...(pages.get(page) ?? []), { id: v.id, at }]);
    }
    for (const inPage of pages.values()) {
      const byOffset = [...inPage].sort((x, y) => x.at - y.at).map((x) => x.id);
      expect(byOffset).toEqual(inPage.map((x) => x.id).sort());
    }
  });
});
