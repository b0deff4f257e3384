/**
 * A kiosk's end-of-day backup, as sealed to the central team's X25519 key on a USB stick: the kiosk's
 * signed batch envelopes, each exactly the body of `POST /api/v1/batches`, so that a broken kiosk's
 * batches can be recovered centrally through the ordinary ingest (and so counted exactly once). Ballots
 * not yet sealed into a batch are deliberately not part of this format: they carry no kiosk signature
 * and recovering them centrally would need its own secrecy rules.
 */
import './zod-csp';
import { z } from 'zod';
import { BatchEnvelope, isoDateTime, kioskId } from './wire';

export const KioskBackup = z.strictObject({
  v: z.literal(1),
  kioskId,
  electionId: z.string().min(1).max(64),
  createdAt: isoDateTime,
  /** Signed batches, in seq order. */
  batches: z.array(BatchEnvelope).max(100_000),
});
export type KioskBackup = z.infer<typeof KioskBackup>;

/** File name on the stick: one per kiosk and closed day. */
export const kioskBackupFileName = (kiosk: string, day: string): string =>
  `isoloir-sauvegarde-${kiosk}-${day}.bin`;
