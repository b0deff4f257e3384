/**
 * The receipt check (docs/secrecy.md §3): from the code a kiosk printed to the counted batch that carries
 * its commitment, answering the kiosk's label and the batch's seq, never a ballot or its choices. The API
 * (`GET /api/v1/receipts/:code`) and the receipt page both answer through it.
 */
import { normaliseReceiptCode } from '../shared/receipt';
import { receiptCommitment } from '../shared/node/crypto';
import type { ServerStore } from './store';

export interface ReceiptFound {
  kioskId: string;
  kiosk: string;
  batch: number;
}

/**
 * The batch that counted the ballot of this receipt code, or null. Without `kioskId`, each enrolled
 * kiosk's commitment is tried (one hash per kiosk: a few hundred at most).
 */
export function findReceipt(store: ServerStore, typed: string, kioskId?: string): ReceiptFound | null {
  const code = normaliseReceiptCode(typed);
  if (code === null) return null;
  const kiosks = kioskId === undefined ? store.kiosks() : [store.kiosk(kioskId)].filter((k) => k !== null);
  for (const kiosk of kiosks) {
    const found = store.receipt(receiptCommitment(kiosk.kioskId, code));
    if (found && found.kioskId === kiosk.kioskId)
      return { kioskId: kiosk.kioskId, kiosk: kiosk.label, batch: found.seq };
  }
  return null;
}
