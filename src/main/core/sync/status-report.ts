/**
 * The kiosk's signed status (`KioskStatusReport`, domain `kioskStatus`): app version, kiosk clock, free
 * disk, ballots the server has not acknowledged, the day's state and training, sent to `POST
 * /api/v1/kiosks/:kioskId/status` after a successful sync round, at most once every few minutes so a
 * busy kiosk does not send one per ballot. It never carries a vote or a voter. A refused or lost report
 * changes nothing: the next round sends a fresh one.
 */
import { dirname } from 'node:path';
import type { DayState } from '../../../shared/api';
import type { KioskStatusReport } from '../../../shared/wire';
import type { KioskContext } from '../context';
import { freeDiskBytes } from '../setup';
import { joinUrl, requestJson, type FetchLike } from './http';
import type { SyncStore } from './sync-store';

export const STATUS_REPORT_INTERVAL_MS = 5 * 60_000;

export interface StatusReporterDeps {
  context: KioskContext;
  syncStore: SyncStore;
  dbPath: string;
  appVersion: string;
  dayState: () => DayState;
  http: () => { fetch?: FetchLike; timeoutMs: number };
  /** Monotonic milliseconds: the interval must not depend on the kiosk's wall clock. */
  monotonicMs: () => number;
  intervalMs?: number;
}

export class StatusReporter {
  private lastSentMs: number | null = null;

  constructor(private readonly deps: StatusReporterDeps) {}

  /** Ballots stored here and not acknowledged: those waiting for their batch and those in unsent batches. */
  pendingBallots(): number {
    const { syncStore } = this.deps;
    return (
      syncStore.countOutbox().ballots +
      syncStore.waitingBatches().reduce((sum, batch) => sum + batch.ballotCount, 0)
    );
  }

  report(): KioskStatusReport {
    const { context } = this.deps;
    return {
      v: 2,
      kioskId: context.identity.kioskId,
      appVersion: this.deps.appVersion.slice(0, 64) || 'inconnue',
      clock: context.now().toISOString(),
      freeDiskBytes: freeDiskBytes(dirname(this.deps.dbPath)) ?? 0,
      pendingBallots: this.pendingBallots(),
      day: this.deps.dayState(),
      training: context.status().training,
    };
  }

  /** After a successful round: sends a signed report if the last one is old enough. True if accepted. */
  async afterRound(serverUrl: string): Promise<boolean> {
    const nowMs = this.deps.monotonicMs();
    const interval = this.deps.intervalMs ?? STATUS_REPORT_INTERVAL_MS;
    if (this.lastSentMs !== null && nowMs - this.lastSentMs < interval) return false;
    const { context } = this.deps;
    const document = context.identity.signDocument('kioskStatus', this.report());
    const http = this.deps.http();
    const answer = await requestJson(
      joinUrl(serverUrl, `/api/v1/kiosks/${context.identity.kioskId}/status`),
      { method: 'POST', body: document },
      { ...(http.fetch ? { fetch: http.fetch } : {}), timeoutMs: http.timeoutMs },
    );
    if (answer.kind !== 'ok') {
      context.log('status_report_failed', {
        kind: answer.kind,
        ...(answer.kind === 'refused' ? { error: answer.error } : {}),
      });
      return false;
    }
    this.lastSentMs = nowMs;
    return true;
  }
}
