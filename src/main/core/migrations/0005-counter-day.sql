-- The counter's day (docs/counter-day.md): closed → open ⇄ paused → closed for the day, kept on disk so
-- a restart or a power cut finds the kiosk in the state the mediator left it; the mediators on duty each
-- day, the incidents noted, and the signed opening and closing reports.

-- One row: where the day stands. `day` is the calendar day (Europe/Paris, kiosk clock) of the current or
-- last opening; `reopens_at` what the mediator said when pausing or closing (shown to voters), if anything.
CREATE TABLE counter_day (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'paused')),
  day TEXT,
  reopens_at TEXT
) STRICT;

INSERT INTO counter_day (id, state, day, reopens_at) VALUES (1, 'closed', NULL, NULL);

-- Names of the mediator accounts that unlocked the kiosk on a day (staff, never voters).
CREATE TABLE day_mediators (
  day TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (day, name)
) STRICT, WITHOUT ROWID;

-- What a mediator noted during a day (a paper jam, a voter turned away…): free text, never a voter's name
-- by the screen's own wording.
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,
  at TEXT NOT NULL,
  text TEXT NOT NULL
) STRICT;

CREATE INDEX incidents_day ON incidents (day);

-- Signed reports, stored verbatim as signed (`payload` base64url of the exact JSON bytes).
CREATE TABLE reports (
  seq INTEGER PRIMARY KEY,
  report_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('opening', 'closing')),
  day TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;

-- Assisted votes per day and mode, for the reports (a count, never linked to a ballot).
ALTER TABLE day_counts ADD COLUMN assisted INTEGER NOT NULL DEFAULT 0 CHECK (assisted >= 0);
