/**
 * The counter's opening and closing reports (src/shared/report.ts): what they state, gathered from the
 * day counts, the chain of batches, the sync state, the mediators on duty and the incidents, signed with
 * the kiosk's key (domain `report`) and stored verbatim. Counts come from `day_counts` only: a report
 * never carries a ballot's time, only the moment of the opening or closing itself.
 */
import { randomBytes } from 'node:crypto';
import type { SignedReport, SyncStatus } from '../../shared/api';
import { ReportDocument } from '../../shared/report';
import { GENESIS_HASH, type SignatureDomain } from '../../shared/wire';
import type { DayStore, StoredReport } from './day-store';
import { settingKeys, type KioskStore } from './store';

export interface ReportDeps {
  store: KioskStore;
  dayStore: DayStore;
  kioskId: string;
  /** The current election's id (a report is always about one election). */
  electionId: () => string | null;
  /** The stored chain: batches sealed and their range, and the head's hash. */
  chain: () => {
    sealed: number;
    firstSeq: number | null;
    lastSeq: number | null;
    head: string | null;
  };
  sync: () => Pick<SyncStatus, 'lastSuccessAt' | 'batchesWaiting'>;
  sign: (domain: SignatureDomain, value: unknown) => { payload: string; signature: string };
}

export interface ReportRequest {
  kind: 'opening' | 'closing';
  /** The counter's day: the day it was opened. */
  day: string;
  /** The kiosk clock's day now (a day left open past midnight counts both calendar days). */
  today: string;
  at: Date;
  note: string | null;
}

/** The day's real votes (from its opening day to today): what a closing note is asked for. */
export function dayVoteCounts(
  store: KioskStore,
  day: string,
  today: string,
): { ballots: number; participations: number; assisted: number } {
  return store.countsBetween(day, today < day ? day : today, false);
}

/** What the report states, checked against the shared schema before anything is signed. */
export function reportDocument(deps: ReportDeps, request: ReportRequest): ReportDocument {
  const { store, dayStore } = deps;
  const until = request.today < request.day ? request.day : request.today;
  const real = dayVoteCounts(store, request.day, request.today);
  const training = store.countsBetween(request.day, until, true);
  const chain = deps.chain();
  const sync = deps.sync();
  return ReportDocument.parse({
    v: 2,
    kind: request.kind,
    kioskId: deps.kioskId,
    label: store.getSetting(settingKeys.label),
    electionId: deps.electionId() ?? store.getElectionPackage()?.electionId ?? 'aucune',
    day: request.day,
    at: request.at.toISOString(),
    mediators: dayStore.mediatorsOnDuty(request.day, until),
    participations: real.participations,
    ballots: real.ballots,
    assisted: real.assisted,
    training: { participations: training.participations, ballots: training.ballots },
    batches: { sealed: chain.sealed, firstSeq: chain.firstSeq, lastSeq: chain.lastSeq },
    waiting: store.countOpenBallots(false),
    chainHead: chain.head ?? GENESIS_HASH,
    sync: { lastSuccessAt: sync.lastSuccessAt, batchesWaiting: sync.batchesWaiting },
    incidents: dayStore.incidents(request.day, until).map(({ at, text }) => ({ at, text })),
    note: request.note,
  });
}

/** Makes, signs and stores a report; call it inside the transaction that changes the day's state. */
export function makeReport(deps: ReportDeps, request: ReportRequest): StoredReport {
  const signed = deps.sign('report', reportDocument(deps, request));
  const report: StoredReport = {
    reportId: randomBytes(8).toString('hex'),
    kind: request.kind,
    day: request.day,
    payload: signed.payload,
    signature: signed.signature,
  };
  deps.dayStore.insertReport(report);
  return report;
}

export const toSignedReport = (report: StoredReport): SignedReport => ({
  reportId: report.reportId,
  kind: report.kind,
  day: report.day,
  document: { payload: report.payload, signature: report.signature },
});
