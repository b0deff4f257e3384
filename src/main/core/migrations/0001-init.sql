-- Kiosk schema v1. Every table is STRICT. Ballots and participations are WITHOUT ROWID: their rows are
-- stored in primary-key order (random ballot id, keyed hash token), so nothing in the file records the
-- order in which people voted, and no row of one table can be lined up with a row of the other.

-- Kiosk keys, pinned authority key, participation key, label, server URL, training flag.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- The signed election package, verbatim as it was verified (base64url payload and signature).
CREATE TABLE election_package (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  election_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;

-- Who voted here: the participation token only (no name), with commune and age bracket for statistics.
-- training = 1 rows are practice and are never sent. batch_seq IS NULL = not yet in a batch.
CREATE TABLE participations (
  token TEXT PRIMARY KEY,
  commune_code TEXT NOT NULL,
  age_bracket TEXT NOT NULL,
  assisted INTEGER NOT NULL CHECK (assisted IN (0, 1)),
  training INTEGER NOT NULL CHECK (training IN (0, 1)),
  cast_day TEXT NOT NULL,
  batch_seq INTEGER
) STRICT, WITHOUT ROWID;

-- The participation register pulled from the central server (votes cast at other kiosks).
CREATE TABLE remote_participations (
  token TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- What was voted: a random id, the sorted choices, the day only (never a time), no link to a participation.
-- batch_seq IS NULL = waiting in the outbox to be batched.
CREATE TABLE ballots (
  id TEXT PRIMARY KEY,
  choices TEXT NOT NULL,
  training INTEGER NOT NULL CHECK (training IN (0, 1)),
  cast_day TEXT NOT NULL,
  batch_seq INTEGER
) STRICT, WITHOUT ROWID;

CREATE INDEX ballots_outbox ON ballots (training, id) WHERE batch_seq IS NULL;
CREATE INDEX participations_outbox ON participations (training, token) WHERE batch_seq IS NULL;

-- Append-only, hash-chained journal: hash = sha256(prev_hash|seq|at|kind|detail). Never a name, a token,
-- a ballot id or a choice in it.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
