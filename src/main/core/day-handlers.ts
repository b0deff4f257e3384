/**
 * The mediator's methods of the counter's day: open, pause, resume and close it (day.ts holds the rules
 * and signs the reports), note an incident, list the signed reports, and the escape hatch that ends a
 * voter's session from any screen without showing what it held.
 */
import type { KioskHandlers, KioskStatus } from '../../shared/api';
import { ok } from '../../shared/result';
import type { Audit } from './context';
import type { CounterDay } from './day';
import type { DayStore } from './day-store';
import { localDay } from './eligibility';
import { toSignedReport } from './reports';

export type DayHandlers = Pick<
  KioskHandlers,
  'openDay' | 'pauseDay' | 'resumeDay' | 'closeDay' | 'addIncident' | 'listReports' | 'endVoterSession'
>;

export interface DayHandlerDeps {
  day: CounterDay;
  dayStore: DayStore;
  now: () => Date;
  audit: Audit;
  status: () => KioskStatus;
  /** The mediator whose session is open now, or null. */
  currentMediator: () => { id: string; name: string } | null;
}

export function createDayHandlers(deps: DayHandlerDeps): DayHandlers {
  const { day, dayStore, now, audit } = deps;
  const who = (): Record<string, string> => {
    const mediator = deps.currentMediator();
    return mediator ? { accountId: mediator.id } : {};
  };
  return {
    openDay: () => day.open(),

    pauseDay: ({ reopensAt }) => {
      const paused = day.pause(reopensAt);
      return paused.ok ? ok(deps.status()) : paused;
    },

    resumeDay: () => {
      const resumed = day.resume();
      return resumed.ok ? ok(deps.status()) : resumed;
    },

    closeDay: ({ note, reopensAt }) => day.close({ note, reopensAt }),

    addIncident: ({ text }) => {
      const at = now();
      dayStore.transaction(() => {
        dayStore.addIncident({ day: localDay(at), at: at.toISOString(), text });
        // The journal records that an incident was noted, never its text.
        audit('incident_noted', who());
      });
      return ok({});
    },

    listReports: () => ok(dayStore.reports().map(toSignedReport)),

    endVoterSession: () => {
      day.endVoterSessions('escape_hatch');
      return ok({});
    },
  };
}
