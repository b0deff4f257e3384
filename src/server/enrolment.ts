/**
 * The kiosks' registry as the central team manages it (DESIGN §4): one-time enrolment codes (only their
 * hash is stored), redeeming a code for a kiosk's public key (`POST /api/v1/kiosks`, or a USB request
 * file: ./enrol-usb.ts), and revoking a kiosk. The kiosk's side of enrolment is src/main/core/sync/enrol.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../shared/result';
import { enrolProofText, normaliseEnrolmentCode, normaliseServerUrl } from '../shared/enrol-proof';
import { EnrolRequest, GENESIS_HASH, type EnrolResponse } from '../shared/wire';
import { kioskIdFromPublicKey, publicKeyObject, verifyDocument } from '../shared/node/crypto';
import type { Authority } from './datadir';
import { currentElection } from './election';
import type { ServerStore } from './store';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export { normaliseEnrolmentCode };

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

export type EnrolRefusal = {
  status: 400 | 403;
  error: 'malformed' | 'enrolment_code_invalid' | 'bad_signature' | 'no_election';
  message: string;
};
export type EnrolOutcome = { status: 201; body: EnrolResponse } | EnrolRefusal;

/** The exact bytes a kiosk's proof of possession signs (domain `enrol`). */
export const enrolProofBytes = (code: string, publicKey: string, serverUrl: string): Buffer =>
  Buffer.from(enrolProofText(code, publicKey, serverUrl), 'utf8');

export interface EnrolChecks {
  /**
   * The addresses this server is reached at (e.g. `https://vote.example.fr`): when given, a proof made
   * for another address is refused (a look-alike server relaying a kiosk's request). `usb:` for the
   * offline enrolment.
   */
  serverUrls?: readonly string[];
}

/**
 * Enrols the kiosk of an `EnrolRequest` (online or from a USB request file). A code yields the election's
 * keys exactly once: a used code (even by the same key), an expired or withdrawn code, or a revoked
 * kiosk are refused, and the keys are never handed out again. An answer lost on the way is recovered
 * with a new code. The proof of possession (the request signed with the new private key over the code,
 * the key and the server address) is checked before the code is looked at. The kiosk is registered under
 * the label the central team gave the code: it is the name they will look for on the dashboard.
 */
export function redeemEnrolmentCode(
  store: ServerStore,
  authority: Authority,
  body: unknown,
  now: Date,
  checks: EnrolChecks = {},
): EnrolOutcome {
  const parsed = EnrolRequest.safeParse(body);
  if (!parsed.success || !publicKeyObject(parsed.data.publicKey))
    return { status: 400, error: 'malformed', message: 'Demande d’inscription mal formée.' };
  const request = parsed.data;
  const proof = verifyDocument(
    'enrol',
    {
      payload: enrolProofBytes(request.code, request.publicKey, request.serverUrl).toString('base64url'),
      signature: request.proof,
    },
    request.publicKey,
  );
  if (!proof.ok)
    return {
      status: 403,
      error: 'bad_signature',
      message: 'Preuve de possession de la clé invalide : demande refusée.',
    };
  if (
    checks.serverUrls !== undefined &&
    !checks.serverUrls.map(normaliseServerUrl).includes(normaliseServerUrl(request.serverUrl))
  )
    return {
      status: 403,
      error: 'enrolment_code_invalid',
      message: 'La demande a été faite pour une autre adresse de serveur.',
    };
  const election = currentElection(store);
  if (!election) return { status: 403, error: 'no_election', message: 'Aucune élection n’est publiée.' };
  const kioskId = kioskIdFromPublicKey(request.publicKey);
  const recoveryKey = randomBytes(32).toString('base64url');
  const accepted = store.immediate(() => {
    const code = store.enrolmentCodeByHash(codeHash(request.code));
    if (!code || code.usedAt !== null) return false;
    if (Date.parse(code.expiresAt) <= now.getTime()) return false;
    const revoked = store.db
      .prepare<[number], { revoked_at: string | null }>('SELECT revoked_at FROM enrolment_codes WHERE id = ?')
      .get(code.id);
    if (revoked?.revoked_at) return false;
    // A kiosk enrols once: an existing kiosk (revoked or not) gets no second set of keys.
    if (store.kiosk(kioskId)) return false;
    store.enrol(code.id, {
      kioskId,
      label: code.label,
      publicKey: request.publicKey,
      electionId: election.electionId,
      enrolledAt: now.toISOString(),
      head: GENESIS_HASH,
    });
    store.db
      .prepare<[string, string]>('UPDATE kiosks SET recovery_key = ? WHERE kiosk_id = ?')
      .run(recoveryKey, kioskId);
    return true;
  });
  if (!accepted)
    return {
      status: 403,
      error: 'enrolment_code_invalid',
      message: 'Code d’inscription inconnu, déjà utilisé, retiré ou expiré : demandez un nouveau code.',
    };
  return {
    status: 201,
    body: {
      kioskId,
      electionId: election.electionId,
      authorityPublicKey: authority.publicKey,
      participationKey: election.participationKey,
      recoveryKey,
    },
  };
}

/**
 * Withdraws an unused code (lost, or printed for the wrong counter): it enrols nothing from now on.
 * A used code cannot be withdrawn (revoke the kiosk instead).
 */
export function withdrawEnrolmentCode(store: ServerStore, id: number, now: Date): Result<{ id: number }> {
  const changed = store.db
    .prepare<[string, number]>(
      'UPDATE enrolment_codes SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
    )
    .run(now.toISOString(), id).changes;
  if (changed !== 1) return err('not_found', `Aucun code d’inscription n° ${id} encore utilisable.`);
  return ok({ id });
}

/** Ids of the codes withdrawn before use. */
export const withdrawnCodeIds = (store: ServerStore): Set<number> =>
  new Set(
    store.db
      .prepare<[], { id: number }>('SELECT id FROM enrolment_codes WHERE revoked_at IS NOT NULL')
      .all()
      .map((r) => r.id),
  );

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
