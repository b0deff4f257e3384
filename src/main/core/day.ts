/**
 * The counter's day (docs/counter-day.md): closed → open ⇄ paused → closed for the day, kept in the
 * database so a restart or a power cut finds the state the mediator left. Only `open` lets a voter cast a
 * real vote (`voterRefusal`); training works whatever the day. Opening needs an unlocked mediator and the
 * election's window by the kiosk clock, keeps the kiosk's keys in memory and signs the opening report;
 * closing signs the closing report (a note is required when the day's participations and ballots
 * differ), seals nothing (partial batches wait for the next day, docs/secrecy.md §1), drops the keys and
 * asks for a sync. Pausing and closing end any voter session.
 */
import type { DayStatus, SignedReport } from '../../shared/api';
import { mediatorOnly } from '../../shared/dispatch';
import { err, ok, type Result } from '../../shared/result';
import type { ElectionPackage } from '../../shared/wire';
import type { Audit, KioskLog } from './context';
import type { DayStore } from './day-store';
import { electionState } from './election';
import { localDay } from './eligibility';
import { dayVoteCounts, makeReport, toSignedReport, type ReportDeps } from './reports';
import type { SessionRegistry } from './sessions';

/**
 * The kiosk keys as the day sees them: opening keeps them unlocked until the close, closing drops them.
 * `hold` is refused when they cannot be unlocked now (no mediator's PIN has opened them).
 */
export interface DayKeys {
  hold(): Result<void>;
  release(): void;
}

/** Keys kept in clear in the database (a kiosk without a key ring): nothing to hold or drop. */
export const keysAlwaysUnlocked: DayKeys = { hold: () => ok(undefined), release: () => undefined };

export interface DayDeps {
  dayStore: DayStore;
  now: () => Date;
  audit: Audit;
  log: KioskLog;
  election: () => ElectionPackage | null;
  sessions: SessionRegistry;
  /** The mediator whose session is open now, or null. */
  currentMediator: () => { id: string; name: string } | null;
  keys: DayKeys;
  reports: ReportDeps;
  /** Asks the uploader for a round (best effort: the day is closed whatever it answers). */
  requestSync: () => void;
}

const parisTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'long',
  timeStyle: 'short',
});
/** "1 septembre 2026 à 08:00", as a French reader expects a date. */
export const frenchDateTime = (iso: string): string => parisTime.format(new Date(iso));

const MSG = {
  alreadyOpen: 'La journée est déjà ouverte.',
  paused: 'La journée est en pause : reprenez-la au lieu de l’ouvrir.',
  notOpen: 'La journée n’est pas ouverte.',
  voterClosed: 'Le vote est fermé pour le moment.',
} as const;

export class CounterDay {
  constructor(private readonly deps: DayDeps) {}

  status(): DayStatus {
    const { state, day, reopensAt } = this.deps.dayStore.get();
    return { state, day, reopensAt };
  }

  /** The refusal a voter gets for a real vote unless the day is open (with when it reopens, if known). */
  voterRefusal(): Result<never> | null {
    const { state, reopensAt } = this.deps.dayStore.get();
    if (state === 'open') return null;
    return err('day_not_open', MSG.voterClosed, reopensAt ? { reopensAt } : undefined);
  }

  /** A mediator unlocked the kiosk: their name goes on today's reports. */
  noteMediatorOnDuty(name: string): void {
    this.deps.dayStore.addMediatorOnDuty(localDay(this.deps.now()), name);
  }

  open(): Result<SignedReport> {
    const { deps } = this;
    const mediator = deps.currentMediator();
    if (!mediator) return mediatorOnly();
    const row = deps.dayStore.get();
    if (row.state === 'open') return err('day_already_open', MSG.alreadyOpen);
    if (row.state === 'paused') return err('day_already_open', MSG.paused);
    const at = deps.now();
    const window = this.refuseOutsideWindow(at);
    if (window) {
      if (!window.ok) deps.audit('day_open_refused', { reason: window.error.code, accountId: mediator.id });
      return window;
    }
    const held = deps.keys.hold();
    if (!held.ok) return held;
    const day = localDay(at);
    const report = deps.dayStore.transaction(() => {
      deps.dayStore.addMediatorOnDuty(day, mediator.name);
      deps.dayStore.set({ state: 'open', day, reopensAt: null });
      deps.audit('day_opened', { day, accountId: mediator.id });
      return makeReport(deps.reports, { kind: 'opening', day, today: day, at, note: null });
    });
    deps.log('day_opened', { day });
    return ok(toSignedReport(report));
  }

  pause(reopensAt: string | undefined): Result<DayStatus> {
    const { deps } = this;
    const row = deps.dayStore.get();
    if (row.state === 'closed') return err('day_not_open', MSG.notOpen);
    deps.dayStore.transaction(() => {
      deps.dayStore.set({ ...row, state: 'paused', reopensAt: reopensAt ?? null });
      if (row.state === 'open') deps.audit('day_paused', this.who());
    });
    this.endVoterSessions('day_paused');
    return ok(this.status());
  }

  resume(): Result<DayStatus> {
    const { deps } = this;
    const row = deps.dayStore.get();
    if (row.state === 'closed') return err('day_not_open', MSG.notOpen);
    if (row.state === 'paused') {
      const window = this.refuseOutsideWindow(deps.now());
      if (window) return window;
      deps.dayStore.transaction(() => {
        deps.dayStore.set({ ...row, state: 'open', reopensAt: null });
        deps.audit('day_resumed', this.who());
      });
    }
    return ok(this.status());
  }

  close(input: { note?: string | undefined; reopensAt?: string | undefined }): Result<SignedReport> {
    const { deps } = this;
    const row = deps.dayStore.get();
    if (row.state === 'closed' || row.day === null) return err('day_not_open', MSG.notOpen);
    const day = row.day;
    const at = deps.now();
    const today = localDay(at);
    const note = input.note?.trim() || null;
    const counts = dayVoteCounts(deps.reports.store, day, today);
    if (counts.participations !== counts.ballots && note === null)
      return err(
        'note_required',
        `Le nombre de personnes qui ont voté (${counts.participations}) et le nombre de bulletins ` +
          `(${counts.ballots}) de la journée diffèrent : écrivez une note qui l’explique pour clôturer.`,
        { participations: counts.participations, ballots: counts.ballots },
      );
    const report = deps.dayStore.transaction(() => {
      deps.dayStore.set({ state: 'closed', day, reopensAt: input.reopensAt ?? null });
      deps.audit('day_closed', {
        day,
        ballots: counts.ballots,
        participations: counts.participations,
        note: note !== null,
        ...this.who(),
      });
      return makeReport(deps.reports, { kind: 'closing', day, today, at, note });
    });
    this.endVoterSessions('day_closed');
    deps.keys.release();
    deps.log('day_closed', { day });
    try {
      deps.requestSync();
    } catch (cause) {
      deps.log('sync_request_failed', { error: cause instanceof Error ? cause.name : 'unknown' });
    }
    return ok(toSignedReport(report));
  }

  /** The escape hatch: ends whatever voter session is open, without reading it. */
  endVoterSessions(reason: 'escape_hatch' | 'day_paused' | 'day_closed'): number {
    const ended = this.deps.sessions.clear();
    if (ended > 0) this.deps.audit('voter_sessions_ended', { reason, sessions: ended, ...this.who() });
    return ended;
  }

  private who(): { accountId: string } | Record<string, never> {
    const mediator = this.deps.currentMediator();
    return mediator ? { accountId: mediator.id } : {};
  }

  private refuseOutsideWindow(at: Date): Result<never> | null {
    const e = this.deps.election();
    switch (electionState(e, at)) {
      case 'open':
        return null;
      case 'no_election':
        return err(
          'not_ready',
          'Aucune consultation n’est chargée sur ce kiosque : la journée ne peut pas ouvrir.',
        );
      case 'not_open':
        return err(
          'not_open_yet',
          `Le vote n’est pas encore ouvert : il ouvre le ${frenchDateTime(e?.opensAt ?? '')}. ` +
            'La journée ne peut pas être ouverte avant.',
          { opensAt: e?.opensAt ?? '', closesAt: e?.closesAt ?? '' },
        );
      case 'closed':
        return err(
          'election_closed',
          `Le vote est terminé depuis le ${frenchDateTime(e?.closesAt ?? '')} : la journée ne peut plus être ouverte.`,
          { opensAt: e?.opensAt ?? '', closesAt: e?.closesAt ?? '' },
        );
    }
  }
}
