-- Wire v2 (docs/protocol.md, docs/secrecy.md "Secrecy once published"). A ballot has no id any more:
-- the ballot-id table goes, and a table of receipt commitments takes its place (a receipt names its
-- kiosk and batch, never a ballot). The participation document of each batch is kept verbatim, apart
-- from the published batch rows, for duplicate detection and statistics; it is never exported. Nothing
-- is deployed with v1, so v1 rows are not carried over into the new tables.
DROP TABLE ballots;

-- One row per receipt commitment of a counted batch: SHA-256("ISOLOIR/v2/receipt\n" + kioskId + code).
-- WITHOUT ROWID: no insertion order, so nothing orders receipts inside a batch.
CREATE TABLE receipts (
  commitment TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
  seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The participation document of each stored batch (base64url of its exact bytes), apart from `batches`.
CREATE TABLE participation_documents (
  kiosk_id TEXT NOT NULL REFERENCES kiosks (kiosk_id),
  seq INTEGER NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (kiosk_id, seq)
) STRICT, WITHOUT ROWID;
