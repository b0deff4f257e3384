-- Central tally server, schema 1. Every table STRICT. Ballots and participations are stored apart, with
-- no column that links them (DESIGN §3.1); the batch envelopes are kept verbatim as the audit evidence.

-- Key/value settings: admin password hash (scrypt), server options. Never a private key (that is a file).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Published election packages, signed by the authority key, stored as the exact bytes that travel.
CREATE TABLE elections (
  election_id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  -- Secret handed to kiosks at enrolment: the HMAC key of the participation tokens of this election.
  participation_key TEXT NOT NULL,
  published_at TEXT NOT NULL,
  is_current INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX elections_one_current ON elections (is_current) WHERE is_current = 1;

-- One-time enrolment codes: only a hash of the code is kept, the code itself is printed once.
CREATE TABLE enrolment_codes (
  id INTEGER PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  kiosk_id TEXT
) STRICT;

CREATE TABLE kiosks (
  kiosk_id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  election_id TEXT NOT NULL REFERENCES elections (election_id),
  enrolled_at TEXT NOT NULL,
  high_water INTEGER NOT NULL DEFAULT 0,
  head TEXT NOT NULL,
  last_seen_at TEXT,
  -- Counted ballots only (training and held batches excluded).
  ballots INTEGER NOT NULL DEFAULT 0,
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

-- Every accepted envelope, verbatim. The rowid orders the tally's incremental loading.
CREATE TABLE batches (
  kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
  seq INTEGER NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  hash TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('counted', 'training', 'held')),
  ballot_count INTEGER NOT NULL,
  participation_count INTEGER NOT NULL,
  is_final INTEGER NOT NULL CHECK (is_final IN (0, 1)),
  -- The day counts a `final` batch declares, as JSON, for reconciliation; NULL otherwise.
  day_counts TEXT,
  UNIQUE (kiosk_id, seq)
) STRICT;
CREATE INDEX batches_status ON batches (status);

-- Counted ballots: the id (for "ballot already counted" and the receipt check) and nothing else. The
-- choices stay in the verbatim batch payloads, which the tally reads. WITHOUT ROWID: no insertion order.
CREATE TABLE ballots (
  ballot_id TEXT PRIMARY KEY,
  receipt_key TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX ballots_receipt_key ON ballots (receipt_key);

-- The participation register that kiosks pull. The id is the register's cursor; it orders batches, not
-- voters (each batch's participations arrive sorted by token).
CREATE TABLE participations (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL
) STRICT;
CREATE INDEX participations_token ON participations (token);

-- Equivocating envelopes refused with 409 `conflict`, kept as evidence for the audit bundle.
CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
  seq INTEGER NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  hash TEXT NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (kiosk_id, seq, hash)
) STRICT;

-- A refused request writes only this counter: how many refusals of each code, per verified-known kiosk
-- ('' when the request named no known kiosk).
CREATE TABLE rejections (
  kiosk_id TEXT NOT NULL,
  code TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  PRIMARY KEY (kiosk_id, code)
) STRICT, WITHOUT ROWID;
