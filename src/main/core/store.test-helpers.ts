/**
 * Test helpers over a kiosk store (imported by tests only, never by the kiosk): put ballots and participations into the open sets directly (without a
 * cast, each in its own mode and day), and read counts the production code never needs. They write
 * through the store's own public methods and its database handle, exactly as a cast would.
 */
import { randomBytes } from 'node:crypto';
import { loadIdentity } from './identity';
import { toBase64url } from '../../shared/node/crypto';
import { checkPin, KeyRing, unwrapUnderPin } from './keys';
import { MediatorStore } from './mediator-store';
import type { KioskStore, NewBallot, NewParticipation } from './store';

/** What seals a ballot's receipt commitment: the kiosk's own key ring (`kiosk.context.keys`). */
export type ReceiptSealer = Pick<KeyRing, 'sealReceiptLink'>;

const bit = (flag: boolean): number => (flag ? 1 : 0);

function addDayCounts(
  store: KioskStore,
  rows: ReadonlyArray<{ castDay: string }>,
  training: boolean,
  kind: 'ballots' | 'participations',
): void {
  const perDay = new Map<string, number>();
  for (const r of rows) perDay.set(r.castDay, (perDay.get(r.castDay) ?? 0) + 1);
  const add = store.db.prepare<[{ day: string; training: number; ballots: number; participations: number }]>(
    `INSERT INTO day_counts (day, training, ballots, participations)
     VALUES (@day, @training, @ballots, @participations)
     ON CONFLICT (day, training) DO UPDATE SET ballots = ballots + excluded.ballots,
       participations = participations + excluded.participations`,
  );
  for (const [day, n] of perDay)
    add.run({
      day,
      training: bit(training),
      ballots: kind === 'ballots' ? n : 0,
      participations: kind === 'participations' ? n : 0,
    });
}

/**
 * Adds ballots to the open set of their mode (one rewrite per mode) and to the day counts, each with a
 * random receipt commitment sealed by `keys` (as a cast would: one receipt per ballot).
 */
export function insertBallots(
  store: KioskStore,
  rows: ReadonlyArray<Omit<NewBallot, 'receipt'>>,
  keys: ReceiptSealer,
): void {
  for (const training of [false, true]) {
    const added = rows.filter((r) => r.training === training);
    if (added.length === 0) continue;
    store.addOpenBallots(
      training,
      added.map((row) => {
        const receipt = keys.sealReceiptLink(randomBytes(32).toString('hex'));
        if (!receipt.ok) throw new Error(`insertBallots: ${receipt.error.message}`);
        return { ...row, receipt: receipt.value };
      }),
    );
    addDayCounts(store, added, training, 'ballots');
  }
}

export const insertBallot = (store: KioskStore, row: Omit<NewBallot, 'receipt'>, keys: ReceiptSealer): void =>
  insertBallots(store, [row], keys);

/** Adds participations to the open set of their mode (one rewrite per mode) and to the day counts. */
export function insertParticipations(store: KioskStore, rows: readonly NewParticipation[]): void {
  for (const training of [false, true]) {
    const added = rows.filter((r) => r.training === training);
    if (added.length === 0) continue;
    store.addOpenParticipations(training, added);
    addDayCounts(store, added, training, 'participations');
  }
}

export const insertParticipation = (store: KioskStore, row: NewParticipation): void =>
  insertParticipations(store, [row]);

/** Participations cast on this kiosk in this mode, sealed or not (from the day counts). */
export function countParticipations(store: KioskStore, training: boolean): number {
  return (
    store.db
      .prepare<[number], { n: number }>(
        'SELECT coalesce(sum(participations), 0) AS n FROM day_counts WHERE training = ?',
      )
      .get(bit(training))?.n ?? 0
  );
}

/** Tokens merged from the server's participation register. */
export function countRemoteParticipations(store: KioskStore): number {
  return store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM remote_participations').get()?.n ?? 0;
}

/** Ballots in acked batches (progress of a drain). */
export function ackedBallots(store: KioskStore): number {
  return (
    store.db
      .prepare<[], { n: number }>(
        'SELECT coalesce(sum(ballot_count), 0) AS n FROM batches WHERE ack IS NOT NULL',
      )
      .get()?.n ?? 0
  );
}

/** The open ballots' receipt commitments of one mode, opened with the kiosk's keys, ascending. */
export function openReceiptCommitments(
  store: KioskStore,
  keys: Pick<KeyRing, 'openReceiptLink'>,
  training: boolean,
): string[] {
  return store
    .openBallots(training)
    .map((b) => {
      const opened = keys.openReceiptLink(b.receipt ?? '');
      if (!opened.ok) throw new Error(`openReceiptCommitments: ${opened.error.message}`);
      return opened.value;
    })
    .sort();
}

/**
 * The key ring of a kiosk's file opened with a mediator's PIN, as `unlockMediator` opens it: for a test
 * that reads a stopped kiosk's file (a crash test's parent).
 */
export async function unlockedKeys(store: KioskStore, pin: string): Promise<KeyRing> {
  const { keys } = loadIdentity(store);
  if (keys.pending()) return keys;
  for (const account of new MediatorStore(store.db).list()) {
    const wrapKey = await checkPin(pin, account.pinHash);
    const dataKey = wrapKey ? unwrapUnderPin(account.wrappedDataKey, wrapKey) : null;
    if (dataKey && keys.unlock(dataKey)) return keys;
  }
  throw new Error('unlockedKeys: no account opens the keys with this PIN');
}

/** A key ring of its own (a random seed, nothing stored) for a test over a bare store with no kiosk. */
export function detachedKeys(): KeyRing {
  const nowhere = (): never => {
    throw new Error('detachedKeys: nothing is stored');
  };
  return new KeyRing(
    {
      readVault: () => null,
      writeVault: nowhere,
      vaultHoldsParticipationKey: () => false,
      readRecoveryWrap: () => null,
      writeRecoveryWrap: nowhere,
    },
    { kioskPrivateKey: toBase64url(randomBytes(32)), participationKey: null },
  );
}
