/**
 * A kiosk line: declared once, in id order, its id derived from its public key; it opens the kiosk's
 * chain in the recount.
 */
import type { KioskLine } from '../../shared/audit-bundle';
import { kioskIdFromPublicKey, publicKeyObject } from '../../shared/node/crypto';
import { GENESIS_HASH } from '../../shared/wire';
import { short, type Recount } from './recount';

export function checkKiosk(r: Recount, line: KioskLine): void {
  const where = `kiosque ${short(line.kioskId)}`;
  if (r.kiosks.has(line.kioskId)) r.errors.push(`${where} : déclaré deux fois`);
  if (line.kioskId < r.lastKioskId) r.errors.push(`${where} : kiosques hors de l'ordre des identifiants`);
  r.lastKioskId = line.kioskId;
  let derived: string | null;
  try {
    derived = kioskIdFromPublicKey(line.publicKey);
  } catch {
    derived = null;
  }
  if (derived !== line.kioskId) r.errors.push(`${where} : identifiant ne correspond pas à sa clé publique`);
  r.kiosks.set(line.kioskId, {
    line,
    key: publicKeyObject(line.publicKey),
    lastSeq: 0,
    head: GENESIS_HASH,
    seenBatches: 0,
    finalSeq: null,
    hashes: [],
    counted: [],
    held: [],
    conflictAt: null,
  });
  r.tally?.addKiosk(line.kioskId, line.label);
}
