/**
 * `DayStore` owns the SQL of the counter's day (migration 0005): the one row saying whether the day is
 * closed, open or paused, the mediators on duty per day, the incidents noted, and the signed reports kept
 * verbatim. It shares the kiosk store's connection, so a change of state and its report or journal event
 * commit in one transaction.
 */
import type { DayState } from '../../shared/api';
import type { KioskStore } from './store';

export interface DayRow {
  state: DayState;
  /** Calendar day (YYYY-MM-DD) of the current or last opening, or null before any. */
  day: string | null;
  reopensAt: string | null;
}

export interface IncidentRow {
  day: string;
  at: string;
  text: string;
}

export interface StoredReport {
  reportId: string;
  kind: 'opening' | 'closing';
  day: string;
  payload: string;
  signature: string;
}

interface RawReport {
  report_id: string;
  kind: 'opening' | 'closing';
  day: string;
  payload: string;
  signature: string;
}

const toReport = (r: RawReport): StoredReport => ({
  reportId: r.report_id,
  kind: r.kind,
  day: r.day,
  payload: r.payload,
  signature: r.signature,
});

export class DayStore {
  private readonly s;

  constructor(readonly kioskStore: KioskStore) {
    const db = kioskStore.db;
    this.s = {
      get: db.prepare<[], { state: DayState; day: string | null; reopens_at: string | null }>(
        'SELECT state, day, reopens_at FROM counter_day WHERE id = 1',
      ),
      set: db.prepare<[{ state: DayState; day: string | null; reopensAt: string | null }]>(
        'UPDATE counter_day SET state = @state, day = @day, reopens_at = @reopensAt WHERE id = 1',
      ),
      addMediator: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO day_mediators (day, name) VALUES (?, ?)',
      ),
      mediators: db.prepare<[{ from: string; to: string }], { name: string }>(
        `SELECT DISTINCT name FROM day_mediators WHERE day BETWEEN @from AND @to
         ORDER BY name COLLATE NOCASE, name`,
      ),
      addIncident: db.prepare<[string, string, string]>(
        'INSERT INTO incidents (day, at, text) VALUES (?, ?, ?)',
      ),
      incidents: db.prepare<[{ from: string; to: string }], IncidentRow>(
        'SELECT day, at, text FROM incidents WHERE day BETWEEN @from AND @to ORDER BY id',
      ),
      insertReport: db.prepare<[RawReport]>(
        `INSERT INTO reports (report_id, kind, day, payload, signature)
         VALUES (@report_id, @kind, @day, @payload, @signature)`,
      ),
      reports: db.prepare<[], RawReport>(
        'SELECT report_id, kind, day, payload, signature FROM reports ORDER BY seq',
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.kioskStore.transaction(fn);
  }

  get(): DayRow {
    const row = this.s.get.get();
    // Migration 0005 inserts the row; it is never deleted.
    if (!row) throw new Error('counter_day row missing');
    return { state: row.state, day: row.day, reopensAt: row.reopens_at };
  }

  set(row: DayRow): void {
    this.s.set.run({ state: row.state, day: row.day, reopensAt: row.reopensAt });
  }

  addMediatorOnDuty(day: string, name: string): void {
    this.s.addMediator.run(day, name);
  }

  /** Names of the mediators who unlocked the kiosk on the days `from` to `to`, by name. */
  mediatorsOnDuty(from: string, to: string): string[] {
    return this.s.mediators.all({ from, to }).map((r) => r.name);
  }

  addIncident(incident: IncidentRow): void {
    this.s.addIncident.run(incident.day, incident.at, incident.text);
  }

  /** Incidents noted on the days `from` to `to`, in the order they were noted. */
  incidents(from: string, to: string): IncidentRow[] {
    return this.s.incidents.all({ from, to });
  }

  insertReport(report: StoredReport): void {
    this.s.insertReport.run({
      report_id: report.reportId,
      kind: report.kind,
      day: report.day,
      payload: report.payload,
      signature: report.signature,
    });
  }

  /** Every report, oldest first. */
  reports(): StoredReport[] {
    return this.s.reports.all().map(toReport);
  }
}
