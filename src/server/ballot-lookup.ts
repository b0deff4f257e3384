/**
 * Whether a ballot is among the counted ones, asked by its id or by the receipt code the kiosk printed:
 * the API (`GET /api/v1/ballots/:ballotId`) and the receipt page both answer through it.
 */
import { normaliseReceiptCode } from '../shared/receipt';
import { ballotId as BallotIdSchema } from '../shared/wire';
import type { ServerStore } from './store';

/** A 32-hex ballot id or a receipt code ("7K3F-Q9XM", any case, I/L/O read as 1/0). */
export function ballotIncluded(store: ServerStore, idOrReceipt: string): boolean {
  const lower = idOrReceipt.trim().toLowerCase();
  if (BallotIdSchema.safeParse(lower).success) return store.ballotCounted(lower);
  const key = normaliseReceiptCode(idOrReceipt);
  return key !== null && store.receiptCounted(key);
}
