/**
 * The adapter from the server core to the web pages' port: `buildWebDeps` implements `WebDeps`
 * (src/server/web/ports.ts), the narrow
 * read/act interface over the store, the tally cache and the exports. Anomalies are computed here from
 * the batches' metadata (never a payload's choices or tokens).
 */
import { Readable } from 'node:stream';
import { err, ok } from '../shared/result';
import type { AppContext, AppOptions } from './app-context';
import { findReceipt } from './receipt-lookup';
import { verifyAdminPasswordAsync } from './datadir';
import { currentElection } from './election';
import { createEnrolmentCode, revokeKiosk, withdrawnCodeIds } from './enrolment';
import { auditBundleLines, pabulibExportLines } from './exports';
import { embargoRefusal, type Publication } from './publication';
import type { ServerStore } from './store';
import type { TallyCache } from './tally-cache';
import { buildWebTrust } from './web-trust-adapter';
import type { WebAnomalies, WebDayCountMismatch, WebDeps, WebExport } from './web/ports';

export function buildWebDeps(
  ctx: AppContext,
  tally: TallyCache,
  options: AppOptions,
  now: () => Date,
  publication: () => Publication | null,
): WebDeps {
  const { store, authority } = ctx;
  const threshold = options.kioskSubtotalThreshold ?? 10;
  const exportStream = (fileName: string, contentType: string, lines: () => Generator<string>) => {
    // Fail early (no election) with a Result, before a half-written download.
    const shown = publication();
    if (!shown) return err<WebExport>('no_election', 'Aucune élection publiée : rien à exporter.');
    if (shown.phase === 'embargoed') {
      const refusal = embargoRefusal(shown.closesAt);
      return err<WebExport>(refusal.code, refusal.message);
    }
    return ok<WebExport>({ fileName, contentType, body: Readable.from(lines(), { objectMode: false }) });
  };
  return {
    election() {
      const e = currentElection(store);
      if (!e) return null;
      const { electionId, title, opensAt, closesAt, lateDeliveryHours, budget, territories } = e.pkg;
      return { electionId, title, opensAt, closesAt, lateDeliveryHours, budget, territories };
    },
    results: () => tally.results(),
    publication,
    findReceipt: (code) => {
      const found = findReceipt(store, code);
      return found ? { kiosk: found.kiosk, batch: found.batch } : null;
    },
    kiosks: () =>
      store.kiosks().map((k) => ({
        kioskId: k.kioskId,
        label: k.label,
        enrolledAt: k.enrolledAt,
        lastSeenAt: k.lastSeenAt,
        highWater: k.highWater,
        ballots: k.ballots,
        flagged: k.flagged,
        revoked: k.revoked,
      })),
    revokeKiosk: (kioskId) => revokeKiosk(store, kioskId),
    anomalies: () => anomalies(store, tally.results()?.duplicateParticipations ?? 0),
    enrolmentCodes: () => {
      const at = now().getTime();
      // A withdrawn code shows as expired: it enrols nothing any more.
      const withdrawn = withdrawnCodeIds(store);
      return store.enrolmentCodes().map((c) => ({
        id: String(c.id),
        label: c.label,
        createdAt: c.createdAt,
        expiresAt: c.expiresAt,
        status:
          c.usedAt !== null
            ? 'used'
            : Date.parse(c.expiresAt) <= at || withdrawn.has(c.id)
              ? 'expired'
              : 'unused',
        usedAt: c.usedAt,
        kioskId: c.kioskId,
      }));
    },
    createEnrolmentCode: ({ label, expiresInHours }) => {
      const created = createEnrolmentCode(store, label, expiresInHours, now());
      return created.ok ? ok({ code: created.value.code, expiresAt: created.value.expiresAt }) : created;
    },
    verifyAdminPassword: (password) => verifyAdminPasswordAsync(store, password),
    trust: buildWebTrust(ctx, options, now, () => tally.markDirty()),
    exportAudit: () => {
      const e = store.currentElection();
      return exportStream(
        `isoloir-audit-${e?.electionId ?? ''}.jsonl`,
        'application/x-ndjson; charset=utf-8',
        () => auditBundleLines(ctx.dbPath, authority, now()),
      );
    },
    exportPabulib: () => {
      const e = store.currentElection();
      return exportStream(`isoloir-${e?.electionId ?? ''}.pb`, 'text/plain; charset=utf-8', () =>
        pabulibExportLines(ctx.dbPath),
      );
    },
    options: {
      kioskSubtotalThreshold: threshold,
      ...(options.loginsInFlight !== undefined ? { loginsInFlight: options.loginsInFlight } : {}),
      ...(options.loginsPerSecond !== undefined ? { loginsPerSecond: options.loginsPerSecond } : {}),
    },
  };
}

/**
 * Rejections, equivocations and held batches. Wire v2 batches carry no day counts (a day's counts are in
 * its signed closing report), so no batch-level reconciliation is listed here.
 */
export function anomalies(store: ServerStore, duplicateParticipations: number): WebAnomalies {
  const dayCountMismatches: WebDayCountMismatch[] = [];
  return {
    rejections: store.rejectionTotals(),
    equivocations: store
      .conflicts()
      .map((c) => ({ kioskId: c.kioskId, seq: c.seq, receivedAt: c.receivedAt })),
    heldBatches: store
      .batchesWithStatus('held')
      .map((b) => ({ kioskId: b.kioskId, seq: b.seq, receivedAt: b.receivedAt, ballots: b.ballotCount })),
    duplicateParticipations,
    dayCountMismatches,
  };
}
