/**
 * Mediator reset: when a counter has lost every mediator account (forgotten PINs, staff gone), the
 * central team signs a one-time document (domain `mediatorReset`) that lets the kiosk set up new
 * accounts. It names the kiosk, carries a fresh nonce (the kiosk takes each one once), an expiry and the
 * kiosk's recovery key (given to the kiosk alone at enrolment). Each reset is journaled in
 * `mediator_resets`; the kiosk fetches it online once (`GET /api/v1/kiosks/:kioskId/reset`), or the
 * team carries the file on a USB stick.
 */
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../shared/result';
import { signDocument } from '../shared/node/crypto';
import type { MediatorReset, SignedDocument } from '../shared/wire';
import type { Authority } from './datadir';
import type { ServerStore } from './store';

export const DEFAULT_RESET_HOURS = 48;

export const mediatorResetFileName = (kioskId: string): string => `isoloir-mediator-reset-${kioskId}.json`;

/** Signs and journals a new reset for a kiosk (enrolled, not revoked, with a recovery key). */
export function createMediatorReset(
  store: ServerStore,
  authority: Authority,
  kioskId: string,
  expiresInHours: number,
  now: Date,
): Result<{ kioskId: string; label: string; expiresAt: string; document: SignedDocument }> {
  if (!Number.isFinite(expiresInHours) || expiresInHours <= 0 || expiresInHours > 24 * 31)
    return err('malformed', 'Durée de validité invalide (en heures, au plus 31 jours).');
  const id = kioskId.trim().toLowerCase();
  const kiosk = store.kiosk(id);
  if (!kiosk)
    return err('not_found', `Aucune borne inscrite sous l’identifiant « ${kioskId.slice(0, 64)} ».`);
  if (kiosk.revoked) return err('unknown_kiosk', 'Cette borne est révoquée : pas de réinitialisation.');
  const row = store.db
    .prepare<[string], { recovery_key: string | null }>('SELECT recovery_key FROM kiosks WHERE kiosk_id = ?')
    .get(id);
  if (!row?.recovery_key)
    return err(
      'not_found',
      'Cette borne a été inscrite sans clé de récupération : réinscrivez-la avec un nouveau code.',
    );
  const expiresAt = new Date(now.getTime() + expiresInHours * 3_600_000).toISOString();
  const reset: MediatorReset = {
    v: 2,
    kioskId: id,
    nonce: randomBytes(16).toString('hex'),
    expiresAt,
    recoveryKey: row.recovery_key,
  };
  const document = signDocument('mediatorReset', reset, authority.privateKey);
  store.db
    .prepare(
      `INSERT INTO mediator_resets (kiosk_id, nonce, created_at, expires_at, payload, signature)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(id, reset.nonce, now.toISOString(), expiresAt, document.payload, document.signature);
  return ok({ kioskId: id, label: kiosk.label, expiresAt, document });
}

/**
 * The kiosk's latest unexpired reset not yet served, marked served: it is handed out online once. Null
 * when there is none.
 */
export function takeMediatorReset(store: ServerStore, kioskId: string, now: Date): SignedDocument | null {
  return store.immediate(() => {
    const row = store.db
      .prepare<[string, string], { id: number; payload: string; signature: string }>(
        `SELECT id, payload, signature FROM mediator_resets
         WHERE kiosk_id = ? AND served_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1`,
      )
      .get(kioskId, now.toISOString());
    if (!row) return null;
    store.db
      .prepare<[string, number]>('UPDATE mediator_resets SET served_at = ? WHERE id = ?')
      .run(now.toISOString(), row.id);
    return { payload: row.payload, signature: row.signature };
  });
}

export interface MediatorResetEntry {
  kioskId: string;
  nonce: string;
  createdAt: string;
  expiresAt: string;
  servedAt: string | null;
}

/** The journal of resets, newest first. */
export const mediatorResets = (store: ServerStore): MediatorResetEntry[] =>
  store.db
    .prepare<[], MediatorResetEntry>(
      `SELECT kiosk_id AS kioskId, nonce, created_at AS createdAt, expires_at AS expiresAt, served_at AS servedAt FROM mediator_resets ORDER BY id DESC`,
    )
    .all();
