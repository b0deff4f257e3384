-- Kiosk schema v2: the sync outbox. A batch is stored verbatim, signed, in the same transaction that
-- sets `batch_seq` on its ballots and participations; it is never changed afterwards (only its ack is
-- added), and never deleted before it is acked.

CREATE TABLE batches (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  -- SHA-256 of the payload bytes: the next batch's prevHash, and what a valid ack must name.
  hash TEXT NOT NULL UNIQUE,
  -- The body of POST /api/v1/batches, byte for byte as it is sent and exported to USB.
  envelope TEXT NOT NULL,
  ballot_count INTEGER NOT NULL CHECK (ballot_count >= 0),
  participation_count INTEGER NOT NULL CHECK (participation_count >= 0),
  is_final INTEGER NOT NULL CHECK (is_final IN (0, 1)),
  -- The server's signed ack, verbatim ({payload, signature} JSON), once verified; NULL = still waiting.
  ack TEXT,
  acked_at TEXT,
  CHECK ((ack IS NULL) = (acked_at IS NULL))
) STRICT;

CREATE INDEX batches_waiting ON batches (seq) WHERE ack IS NULL;

CREATE TRIGGER batches_signed_are_immutable BEFORE UPDATE OF seq, hash, envelope, ballot_count,
  participation_count, is_final ON batches
BEGIN
  SELECT RAISE(ABORT, 'a signed batch is never changed');
END;

CREATE TRIGGER batches_ack_is_final BEFORE UPDATE OF ack, acked_at ON batches
  WHEN OLD.ack IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a stored ack is never changed');
END;

CREATE TRIGGER batches_keep_unacked BEFORE DELETE ON batches
  WHEN OLD.ack IS NULL
BEGIN
  SELECT RAISE(ABORT, 'a batch not yet acked is never deleted');
END;

-- Sync bookkeeping for the mediator's status: last success, last error, blocked chain, register cursor,
-- an election package waiting for a mediator's confirmation.
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
