/**
 * Recovering a broken kiosk's batches from its sealed end-of-day backup: the file is opened with the
 * central team's X25519 key, its content checked (`KioskBackup`), and each signed batch goes, in seq
 * order, through `ingestBatch`, the very path of `POST /api/v1/batches` and the USB import. A batch
 * already received is answered `duplicate` there, so nothing is counted twice; a forged or altered
 * batch fails the kiosk's signature there.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { WireErrorCode } from '../shared/errors';
import { KioskBackup } from '../shared/kiosk-backup';
import { err, ok, type Result } from '../shared/result';
import { BatchPayload } from '../shared/wire';
import { fromBase64url, parseJsonBytes } from '../shared/node/crypto';
import { open } from '../shared/node/sealed-box';
import type { Authority } from './datadir';
import { ingestBatch } from './ingest';
import type { ServerStore } from './store';

export interface RecoverySummary {
  kioskId: string;
  batches: number;
  accepted: number[];
  duplicate: number[];
  refused: { seq: number | null; error: WireErrorCode; message: string }[];
}

/** Opens and checks a sealed backup file. */
export function openKioskBackup(bytes: Uint8Array, recoveryPrivateKey: string): Result<KioskBackup> {
  const opened = open(bytes, recoveryPrivateKey);
  if (!opened.ok)
    return err(
      'unauthorized',
      opened.reason === 'authentication'
        ? 'Sauvegarde illisible avec la clé de récupération de ce serveur (autre clé, ou fichier abîmé ou modifié).'
        : 'Ce fichier n’est pas une sauvegarde de borne isoloir.',
    );
  const parsed = KioskBackup.safeParse(parseJsonBytes(opened.plaintext));
  if (!parsed.success)
    return err('malformed', `Contenu de sauvegarde inattendu : ${z.prettifyError(parsed.error)}`);
  return ok(parsed.data);
}

/** The seq a batch claims (unverified: used to order the batches only; ingest checks everything). */
function claimedSeq(payload: string): number | null {
  const bytes = fromBase64url(payload);
  const parsed = BatchPayload.safeParse(bytes ? parseJsonBytes(bytes) : undefined);
  return parsed.success ? parsed.data.seq : null;
}

export function recoverKioskBackup(
  store: ServerStore,
  authority: Authority,
  backup: KioskBackup,
  now: Date,
): RecoverySummary {
  const summary: RecoverySummary = {
    kioskId: backup.kioskId,
    batches: backup.batches.length,
    accepted: [],
    duplicate: [],
    refused: [],
  };
  const ordered = backup.batches
    .map((envelope) => ({ envelope, seq: claimedSeq(envelope.payload) }))
    .sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  for (const { envelope, seq } of ordered) {
    if (envelope.kioskId !== backup.kioskId) {
      summary.refused.push({
        seq,
        error: 'invalid_content',
        message: 'Lot d’une autre borne que la sauvegarde.',
      });
      continue;
    }
    const outcome = ingestBatch(store, authority, envelope, now);
    if ('error' in outcome) summary.refused.push({ seq, error: outcome.error, message: outcome.message });
    else if (outcome.ackPayload.status === 'accepted') summary.accepted.push(outcome.ackPayload.seq);
    else summary.duplicate.push(outcome.ackPayload.seq);
  }
  return summary;
}

export const readBackupFile = (path: string): Buffer => readFileSync(path);
