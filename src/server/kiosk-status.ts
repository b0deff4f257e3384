/**
 * Kiosk monitoring: at each sync a kiosk posts its signed status (`POST /api/v1/kiosks/:kioskId/status`,
 * domain `kioskStatus`): app version, clock, free disk, ballots pending, day state. The server keeps the
 * last one per kiosk with its own receipt time, and flags what needs the central team: a kiosk silent too
 * long while its day is open, a clock off by more than 5 minutes, less than 1 GiB free.
 */
import { parseJsonBytes, verifyDocument } from '../shared/node/crypto';
import { KioskStatusReport, SignedDocument, type KioskStatusReport as Status } from '../shared/wire';
import type { ServerStore } from './store';

export const DEFAULT_SILENT_AFTER_MINUTES = 60;
export const CLOCK_TOLERANCE_MS = 5 * 60_000;
export const LOW_DISK_BYTES = 1024 ** 3;

export type StatusOutcome =
  | { status: 204 }
  | {
      status: 400 | 401;
      error: 'malformed' | 'unknown_kiosk' | 'bad_signature' | 'unauthorized';
      message: string;
    };

/** Verifies and stores a kiosk's status; `kioskId` is the one of the route. */
export function recordKioskStatus(
  store: ServerStore,
  kioskId: string,
  body: unknown,
  now: Date,
): StatusOutcome {
  const doc = SignedDocument.safeParse(body);
  if (!doc.success) return { status: 400, error: 'malformed', message: 'État de borne mal formé.' };
  const kiosk = store.kiosk(kioskId);
  if (!kiosk || kiosk.revoked)
    return { status: 401, error: 'unknown_kiosk', message: 'Borne inconnue ou révoquée.' };
  const verified = verifyDocument('kioskStatus', doc.data, kiosk.publicKey);
  if (!verified.ok)
    return { status: 401, error: 'bad_signature', message: 'Signature de l’état de borne invalide.' };
  const parsed = KioskStatusReport.safeParse(parseJsonBytes(verified.bytes));
  if (!parsed.success) return { status: 400, error: 'malformed', message: 'État de borne mal formé.' };
  const s = parsed.data;
  if (s.kioskId !== kiosk.kioskId)
    return { status: 401, error: 'unauthorized', message: 'Une borne ne signale que son propre état.' };
  const at = now.toISOString();
  store.db
    .prepare(
      `INSERT INTO kiosk_status (kiosk_id, payload, signature, received_at, app_version, clock,
         free_disk_bytes, pending_ballots, day, training)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kiosk_id) DO UPDATE SET payload = excluded.payload, signature = excluded.signature,
         received_at = excluded.received_at, app_version = excluded.app_version, clock = excluded.clock,
         free_disk_bytes = excluded.free_disk_bytes, pending_ballots = excluded.pending_ballots,
         day = excluded.day, training = excluded.training`,
    )
    .run(
      kiosk.kioskId,
      doc.data.payload,
      doc.data.signature,
      at,
      s.appVersion,
      s.clock,
      s.freeDiskBytes,
      s.pendingBallots,
      s.day,
      s.training ? 1 : 0,
    );
  store.touchKiosk(kiosk.kioskId, at);
  return { status: 204 };
}

export type KioskFlag = 'silent' | 'clock' | 'disk';

/** A kiosk, its last reported status and the flags computed from it: the supervision page and the CSV. */
export interface KioskStatusRow {
  kioskId: string;
  label: string;
  revoked: boolean;
  lastSeenAt: string | null;
  /** Null until the kiosk first reports its status. */
  status: {
    receivedAt: string;
    appVersion: string;
    clock: string;
    /** Kiosk clock minus server clock at receipt, in milliseconds. */
    clockOffsetMs: number;
    freeDiskBytes: number;
    pendingBallots: number;
    day: Status['day'];
    training: boolean;
  } | null;
  flags: KioskFlag[];
}

interface Row {
  kiosk_id: string;
  received_at: string;
  app_version: string;
  clock: string;
  free_disk_bytes: number;
  pending_ballots: number;
  day: Status['day'];
  training: number;
}

/** Every kiosk with its last status and flags, as the dashboard and the CSV show them. */
export function kioskStatusRows(
  store: ServerStore,
  now: Date,
  silentAfterMinutes = DEFAULT_SILENT_AFTER_MINUTES,
): KioskStatusRow[] {
  const rows = new Map(
    store.db
      .prepare<[], Row>(
        `SELECT kiosk_id, received_at, app_version, clock, free_disk_bytes, pending_ballots, day, training
         FROM kiosk_status`,
      )
      .all()
      .map((r) => [r.kiosk_id, r]),
  );
  return store.kiosks().map((kiosk) => {
    const r = rows.get(kiosk.kioskId);
    const status = r
      ? {
          receivedAt: r.received_at,
          appVersion: r.app_version,
          clock: r.clock,
          clockOffsetMs: Date.parse(r.clock) - Date.parse(r.received_at),
          freeDiskBytes: r.free_disk_bytes,
          pendingBallots: r.pending_ballots,
          day: r.day,
          training: r.training === 1,
        }
      : null;
    const flags: KioskFlag[] = [];
    if (status && !kiosk.revoked) {
      const lastHeard = Date.parse(kiosk.lastSeenAt ?? status.receivedAt);
      if (status.day === 'open' && now.getTime() - lastHeard > silentAfterMinutes * 60_000)
        flags.push('silent');
      if (Math.abs(status.clockOffsetMs) > CLOCK_TOLERANCE_MS) flags.push('clock');
      if (status.freeDiskBytes < LOW_DISK_BYTES) flags.push('disk');
    }
    return {
      kioskId: kiosk.kioskId,
      label: kiosk.label,
      revoked: kiosk.revoked,
      lastSeenAt: kiosk.lastSeenAt,
      status,
      flags,
    };
  });
}

const csvCell = (value: string | number | boolean | null): string => {
  const text = value === null ? '' : String(value);
  // A cell a spreadsheet would read as a formula is quoted with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** `GET /admin/kiosks.csv`: one line per kiosk, header first. */
export function kioskStatusCsv(rows: readonly KioskStatusRow[]): string {
  const header = [
    'kiosk_id',
    'label',
    'revoked',
    'last_seen_at',
    'status_received_at',
    'app_version',
    'kiosk_clock',
    'clock_offset_seconds',
    'free_disk_bytes',
    'pending_ballots',
    'day',
    'training',
    'flags',
  ];
  const lines = rows.map((r) =>
    [
      r.kioskId,
      r.label,
      r.revoked,
      r.lastSeenAt,
      r.status?.receivedAt ?? null,
      r.status?.appVersion ?? null,
      r.status?.clock ?? null,
      r.status ? Math.round(r.status.clockOffsetMs / 1000) : null,
      r.status?.freeDiskBytes ?? null,
      r.status?.pendingBallots ?? null,
      r.status?.day ?? null,
      r.status?.training ?? null,
      r.flags.join(' '),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
