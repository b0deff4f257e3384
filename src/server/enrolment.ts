/**
 * The kiosks' registry as the central team manages it (DESIGN §4): one-time enrolment codes (only their
 * hash is stored), redeeming a code for a kiosk's public key (`POST /api/v1/kiosks`), and revoking a
 * kiosk. The kiosk's side of enrolment is src/main/core/sync/enrol.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../shared/result';
import { EnrolRequest, GENESIS_HASH, type EnrolResponse } from '../shared/wire';
import { kioskIdFromPublicKey, publicKeyObject } from '../shared/node/crypto';
import type { Authority } from './datadir';
import { currentElection } from './election';
import type { ServerStore } from './store';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Case, dashes and look-alike letters do not matter when a person types a code. */
export const normaliseEnrolmentCode = (code: string): string =>
  code
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');

const codeHash = (code: string): string =>
  createHash('sha256')
    .update(`isoloir-enrolment|${normaliseEnrolmentCode(code)}`)
    .digest('hex');

export const DEFAULT_CODE_HOURS = 72;

/** A fresh one-time code (60 random bits, "XXXX-XXXX-XXXX"); only its hash is stored. */
export function createEnrolmentCode(
  store: ServerStore,
  label: string,
  expiresInHours: number,
  now: Date,
): Result<{ code: string; expiresAt: string; id: number }> {
  const cleanLabel = label.trim();
  if (!cleanLabel || cleanLabel.length > 200)
    return err('malformed', 'Libellé vide ou trop long (200 caractères au plus).');
  if (!Number.isFinite(expiresInHours) || expiresInHours <= 0 || expiresInHours > 24 * 366)
    return err('malformed', 'Durée de validité invalide (en heures, au plus un an).');
  const bytes = randomBytes(12);
  let symbols = '';
  for (const byte of bytes) symbols += CROCKFORD[byte & 31] ?? '0';
  const code = `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
  const expiresAt = new Date(now.getTime() + expiresInHours * 3_600_000).toISOString();
  const id = store.insertEnrolmentCode(codeHash(code), cleanLabel, now.toISOString(), expiresAt);
  return ok({ code, expiresAt, id });
}

export type EnrolOutcome =
  | { status: 201; body: EnrolResponse }
  | { status: 400 | 403; error: 'malformed' | 'enrolment_code_invalid' | 'no_election'; message: string };

/**
 * `POST /api/v1/kiosks`. A code enrols one kiosk; the same kiosk presenting its code again (its answer
 * was lost) gets the same answer, so enrolment is safe to retry. The kiosk is registered under the
 * label the central team gave the code: it is the name they will look for on the dashboard.
 */
export function redeemEnrolmentCode(
  store: ServerStore,
  authority: Authority,
  body: unknown,
  now: Date,
): EnrolOutcome {
  const parsed = EnrolRequest.safeParse(body);
  if (!parsed.success || !publicKeyObject(parsed.data.publicKey))
    return { status: 400, error: 'malformed', message: 'Demande d’inscription mal formée.' };
  const election = currentElection(store);
  if (!election) return { status: 403, error: 'no_election', message: 'Aucune élection n’est publiée.' };
  const kioskId = kioskIdFromPublicKey(parsed.data.publicKey);
  const refused = {
    status: 403,
    error: 'enrolment_code_invalid',
    message: 'Code d’inscription inconnu, déjà utilisé ou expiré.',
  } as const;
  const accepted = store.immediate(() => {
    const code = store.enrolmentCodeByHash(codeHash(parsed.data.code));
    if (!code) return false;
    if (code.usedAt !== null) return code.kioskId === kioskId;
    if (Date.parse(code.expiresAt) <= now.getTime()) return false;
    const existing = store.kiosk(kioskId);
    if (existing && existing.electionId !== election.electionId) return false;
    store.enrol(code.id, {
      kioskId,
      label: code.label,
      publicKey: parsed.data.publicKey,
      electionId: election.electionId,
      enrolledAt: now.toISOString(),
      head: GENESIS_HASH,
    });
    return true;
  });
  if (!accepted) return refused;
  return {
    status: 201,
    body: {
      kioskId,
      electionId: election.electionId,
      authorityPublicKey: authority.publicKey,
      participationKey: election.participationKey,
    },
  };
}

// ---------------------------------------------------------------- revocation

/**
 * Revokes a kiosk (a stolen or broken machine): from now on its batches and register pulls are refused
 * with 401 `unknown_kiosk`. What it sent before stays stored and, if counted, counted. Idempotent.
 */
export function revokeKiosk(
  store: ServerStore,
  kioskId: string,
): Result<{ kioskId: string; label: string; alreadyRevoked: boolean }> {
  const kiosk = store.kiosk(kioskId.trim().toLowerCase());
  if (!kiosk)
    return err('not_found', `Aucune borne inscrite sous l’identifiant « ${kioskId.slice(0, 64)} ».`);
  if (!kiosk.revoked) store.revokeKiosk(kiosk.kioskId);
  return ok({ kioskId: kiosk.kioskId, label: kiosk.label, alreadyRevoked: kiosk.revoked });
}
