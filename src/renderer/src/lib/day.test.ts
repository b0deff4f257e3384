/** The welcome screen's gate: only an open day or training lets a voter in; times said as people say them. */
import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../../shared/api';
import { canVote, localDateTime, sameDay, sayTime, todayAt, voterEntry } from './day';

const base: KioskStatus = {
  kioskId: '0123456789abcdef0123456789abcdef',
  label: 'Comptoir',
  enrolled: true,
  state: 'open',
  training: false,
  election: {
    electionId: 'e',
    title: 'Budget citoyen',
    opensAt: '2026-09-01T00:00:00+02:00',
    closesAt: '2026-09-30T23:59:59+02:00',
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
  },
  ballotsCast: 0,
  setup: 'done',
  day: { state: 'open', day: '2026-09-02', reopensAt: null },
  keysUnlocked: true,
  printer: false,
};
const at = (patch: Partial<KioskStatus>): KioskStatus => ({ ...base, ...patch });

describe('voterEntry', () => {
  it('lets a voter in only on an open day within the window, or in training', () => {
    expect(voterEntry(base)).toBe('open');
    expect(voterEntry(at({ day: { ...base.day, state: 'paused' } }))).toBe('paused');
    expect(voterEntry(at({ day: { ...base.day, state: 'closed' } }))).toBe('day_closed');
    expect(voterEntry(at({ state: 'not_open', day: { ...base.day, state: 'closed' } }))).toBe('not_open');
    expect(voterEntry(at({ state: 'closed' }))).toBe('closed');
    expect(voterEntry(at({ state: 'no_election', election: null }))).toBe('no_election');
    expect(voterEntry(null)).toBe('loading');
    const training = at({ training: true, state: 'not_open', day: { ...base.day, state: 'closed' } });
    expect(voterEntry(training)).toBe('training');
    expect(canVote('open') && canVote('training')).toBe(true);
    for (const e of ['paused', 'day_closed', 'not_open', 'closed', 'setup', 'loading'] as const)
      expect(canVote(e)).toBe(false);
  });

  it('never lets a voter in before the setup is done, training or not', () => {
    for (const setup of ['first_mediator', 'enrol', 'check'] as const) {
      expect(voterEntry(at({ setup }))).toBe('setup');
      expect(voterEntry(at({ setup, training: true }))).toBe('setup');
    }
  });
});

describe('times', () => {
  it('says the hour as people say it', () => {
    expect(sayTime(new Date(2026, 8, 2, 14, 0).toISOString(), 'fr')).toBe('14 h');
    expect(sayTime(new Date(2026, 8, 2, 9, 5).toISOString(), 'fr')).toBe('9 h 05');
    expect(sayTime(new Date(2026, 8, 2, 14, 0).toISOString(), 'en')).toBe('2 pm');
    expect(sayTime(new Date(2026, 8, 2, 0, 30).toISOString(), 'en')).toBe('12:30 am');
  });

  it('turns a local day and hour into an ISO time the contract accepts, refusing nonsense', () => {
    const now = new Date(2026, 8, 2, 10, 0);
    const iso = todayAt('14:30', now);
    expect(iso).not.toBeNull();
    expect(new Date(iso ?? '').getHours()).toBe(14);
    expect(sameDay(iso ?? '', now)).toBe(true);
    expect(todayAt('25:00', now)).toBeNull();
    expect(todayAt('14h', now)).toBeNull();
    const next = localDateTime('2026-09-03', '09:00');
    expect(next).toMatch(/^2026-09-03T09:00:00[+-]\d{2}:\d{2}$/);
    expect(localDateTime('2026-02-30', '09:00')).toBeNull();
  });
});
