-- Kiosk schema v4 (wire v2): receipt commitments wait in their own open set, apart from the ballots.
--
-- A cast draws a receipt code for the voter and keeps only its commitment (SHA-256 of the domain, the
-- kiosk id and the code), never the code. The commitments of one mode live in ONE row, a JSON array of
-- hex strings sorted by value and rewritten whole at each cast, like the open ballots: nothing on the
-- disk says which commitment came with which ballot, nor in what order they came. A batch takes its
-- receipts from this set independently of its ballots.

CREATE TABLE open_receipts (
  training INTEGER PRIMARY KEY CHECK (training IN (0, 1)),
  -- ["<64 hex>", ...], strictly ascending.
  items TEXT NOT NULL
) STRICT;
