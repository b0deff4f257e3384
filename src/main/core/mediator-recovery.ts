/**
 * The mediator reset (`recoverMediators`): when every PIN is lost, the central team signs a one-time
 * `MediatorReset` for this kiosk (src/shared/wire.ts) with the authority key the kiosk pinned. The kiosk
 * checks the signature, that it names this kiosk, that it has not expired by the kiosk's clock and that
 * its nonce was never used; then the reset's recovery key unwraps the data key, every account goes and
 * the new one takes their place. No PIN is ever printed on the kiosk.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedDocument, MediatorReset, mediatorResetFileName } from '../../shared/wire';
import { parseJsonBytes, verifyDocument } from '../../shared/node/crypto';
import { err, ok, type Result } from '../../shared/result';
import type { KeyRing } from './keys';
import type { MediatorStore } from './mediator-store';

const INVALID = 'Ce document de secours n’est pas valide pour ce kiosque. Appelez l’équipe centrale.';
const MAX_FILE_BYTES = 64 * 1024;

export interface RecoveryDeps {
  kioskId: string;
  authorityPublicKey: string | null;
  accounts: MediatorStore;
  keys: KeyRing;
  now: Date;
}

/** Checks a signed reset; the data key it opens and its nonce, or why not. */
export function openMediatorReset(
  deps: RecoveryDeps,
  document: unknown,
): Result<{ dataKey: Buffer; nonce: string }> {
  if (!deps.authorityPublicKey)
    return err('not_enrolled', 'Ce kiosque n’est pas encore inscrit : aucune remise à zéro n’est possible.');
  const signed = SignedDocument.safeParse(document);
  if (!signed.success) return err('reset_invalid', INVALID);
  const verified = verifyDocument('mediatorReset', signed.data, deps.authorityPublicKey);
  if (!verified.ok) return err('reset_invalid', INVALID);
  const reset = MediatorReset.safeParse(parseJsonBytes(verified.bytes));
  if (!reset.success || reset.data.kioskId !== deps.kioskId) return err('reset_invalid', INVALID);
  if (Date.parse(reset.data.expiresAt) <= deps.now.getTime())
    return err(
      'reset_expired',
      'Ce document de secours a expiré. Demandez-en un nouveau à l’équipe centrale.',
    );
  if (deps.accounts.nonceUsed(reset.data.nonce))
    return err(
      'reset_used',
      'Ce document de secours a déjà servi. Demandez-en un nouveau à l’équipe centrale.',
    );
  const dataKey = deps.keys.recover(reset.data.recoveryKey);
  if (!dataKey) return err('reset_invalid', INVALID);
  return ok({ dataKey, nonce: reset.data.nonce });
}

/** Reads the reset file for `kioskId` from a drive's folder (a regular file, small). */
export function readResetFromDrive(drivePath: string, kioskId: string): Result<unknown> {
  const path = join(drivePath, mediatorResetFileName(kioskId));
  try {
    const info = lstatSync(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return err('reset_invalid', INVALID);
    return ok(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  } catch {
    return err(
      'reset_invalid',
      'Aucun document de secours pour ce kiosque sur cette clé USB. Vérifiez la clé ou appelez l’équipe centrale.',
    );
  }
}
