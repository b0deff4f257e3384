/**
 * The kiosk's audit journal: an append-only, hash-chained list of what happened (start, package loaded,
 * eligibility refused and why, a ballot cast, training switched, errors). Each event's hash covers the
 * previous one, so removing or editing any event breaks every hash after it; SQL triggers refuse UPDATE
 * and DELETE. Details are small flat objects of codes and counts: never a name, a token, a ballot id or
 * a choice (this journal may be shown to an observer).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { methodRole, type KioskHandlers, type KioskMethod } from '../../shared/api';
import type { Result } from '../../shared/result';
import { GENESIS_HASH } from '../../shared/wire';
import { sha256hex } from '../../shared/node/crypto';
import type { AuditEventRow, KioskStore } from './store';

export const auditKinds = [
  'start',
  'keys_provisioned',
  'package_loaded',
  'package_refused',
  'eligibility_refused',
  'ballot_cast',
  'training_changed',
  'mediator_account_created',
  'mediator_account_removed',
  'mediator_pin_changed',
  'mediator_unlocked',
  'mediator_unlock_refused',
  'mediator_locked_out',
  'mediator_locked',
  'mediator_session_expired',
  'mediator_accounts_reset',
  'mediator_reset_refused',
  'error',
] as const;
/** Known kinds, plus any other string (the sync module logs its own kinds). */
export type AuditKind = (typeof auditKinds)[number] | (string & Record<never, never>);

export type AuditDetail = Record<string, string | number | boolean>;

/** hash = sha256(prev_hash|seq|at|kind|detail), hex. */
export function auditHash(prevHash: string, seq: number, at: string, kind: string, detail: string): string {
  return sha256hex(`${prevHash}|${seq}|${at}|${kind}|${detail}`);
}

/**
 * Appends one event. Call it inside the caller's transaction when the event belongs with other writes
 * (a cast ballot and its event commit together); alone it is its own statement.
 */
export function appendAudit(store: KioskStore, at: Date, kind: AuditKind, detail: AuditDetail = {}): void {
  const last = store.lastAuditEvent();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const atText = at.toISOString();
  const detailText = JSON.stringify(detail);
  store.insertAuditEvent({
    seq,
    at: atText,
    kind,
    detail: detailText,
    prevHash,
    hash: auditHash(prevHash, seq, atText, kind, detailText),
  });
}

type AnyHandler = (input: unknown) => Promise<Result<unknown>> | Result<unknown>;

/**
 * The journal as the kiosk's handlers write it: `audit` appends an event, and while a mediator method
 * runs under `asAccount` each event it writes carries that account's id (`accountId`), unless the event
 * names one itself.
 */
export function accountJournal(
  store: KioskStore,
  now: () => Date,
): {
  audit: (kind: AuditKind, detail?: AuditDetail) => void;
  asAccount: (handlers: KioskHandlers, currentId: () => string | null) => KioskHandlers;
} {
  const actor = new AsyncLocalStorage<string>();
  return {
    audit: (kind, detail = {}) => {
      const accountId = actor.getStore();
      appendAudit(
        store,
        now(),
        kind,
        accountId && !('accountId' in detail) ? { ...detail, accountId } : detail,
      );
    },
    asAccount: (handlers, currentId) => {
      const wrapped: Partial<Record<KioskMethod, AnyHandler>> = {};
      for (const [method, handler] of Object.entries(handlers) as Array<[KioskMethod, AnyHandler]>) {
        wrapped[method] =
          methodRole(method) === 'mediator'
            ? (input): ReturnType<AnyHandler> => {
                const id = currentId();
                return id ? actor.run(id, () => handler(input)) : handler(input);
              }
            : handler;
      }
      return wrapped as KioskHandlers;
    },
  };
}

export type ChainCheck = { ok: true; events: number } | { ok: false; brokenAt: number; reason: string };

/** Recomputes the chain from the genesis hash; reports the first event that does not fit. */
export function verifyAuditChain(events: readonly AuditEventRow[]): ChainCheck {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq)
      return { ok: false, brokenAt: event.seq, reason: 'missing event before it' };
    if (event.prevHash !== prevHash) return { ok: false, brokenAt: event.seq, reason: 'prev_hash mismatch' };
    if (auditHash(event.prevHash, event.seq, event.at, event.kind, event.detail) !== event.hash)
      return { ok: false, brokenAt: event.seq, reason: 'hash mismatch' };
    prevHash = event.hash;
    expectedSeq += 1;
  }
  return { ok: true, events: events.length };
}
