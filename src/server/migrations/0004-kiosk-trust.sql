-- Enrolment hardening, mediator resets and kiosk monitoring (docs/protocol.md).

-- The kiosk's recovery key (32 random bytes, base64url), handed to it once at enrolment; a mediator
-- reset signed later carries it. NULL for a kiosk enrolled before it existed.
ALTER TABLE kiosks ADD COLUMN recovery_key TEXT;

-- A code the central team withdrew before use (lost, printed for the wrong counter).
ALTER TABLE enrolment_codes ADD COLUMN revoked_at TEXT;

-- The journal of mediator resets: each signed document, when it was made, and when (if) the kiosk took
-- it online. The nonce makes each one usable once on the kiosk.
CREATE TABLE mediator_resets (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
  nonce TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  served_at TEXT
) STRICT;
CREATE INDEX mediator_resets_kiosk ON mediator_resets (kiosk_id);

-- The last status each kiosk reported (signed document kept verbatim) and when the server received it.
CREATE TABLE kiosk_status (
  kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (kiosk_id),
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  received_at TEXT NOT NULL,
  app_version TEXT NOT NULL,
  clock TEXT NOT NULL,
  free_disk_bytes INTEGER NOT NULL,
  pending_ballots INTEGER NOT NULL,
  day TEXT NOT NULL CHECK (day IN ('closed', 'open', 'paused')),
  training INTEGER NOT NULL CHECK (training IN (0, 1))
) STRICT;
