-- Kiosk schema v3: the file must not record the order in which people voted (DESIGN §3.1).
--
-- With one row per ballot and one row per participation, SQLite itself kept that order: inside a b-tree
-- page each new cell is written below the previous one whatever its key, and each commit of the WAL
-- held exactly one new ballot beside one new participation. Reading cell positions paired every ballot
-- with its voter's commune, age bracket and token. So from v3:
--
-- * ballots and participations not yet in a batch (the "open sets") live in ONE row per table and mode,
--   a JSON array kept sorted by ballot id / token and rewritten whole at each cast; with
--   `secure_delete` on, the previous version is overwritten with zeros, and the kiosk truncates the WAL
--   right after each cast (KioskStore.scrubJournal), so neither the page nor the journal keeps history;
-- * once sealed, a ballot exists only inside its signed batch envelope (sorted, as sent); the sealed
--   participation tokens go to `local_register` (needed to refuse a second vote), nothing else of them;
-- * counts per day live in `day_counts`, which the final batch of a day and the status read.

CREATE TABLE open_ballots (
  training INTEGER PRIMARY KEY CHECK (training IN (0, 1)),
  -- [{"id", "choices", "castDay"}], strictly ascending by id.
  items TEXT NOT NULL
) STRICT;

CREATE TABLE open_participations (
  training INTEGER PRIMARY KEY CHECK (training IN (0, 1)),
  -- [{"token", "communeCode", "ageBracket", "assisted", "castDay"}], strictly ascending by token.
  items TEXT NOT NULL
) STRICT;

-- Tokens of this kiosk's real participations already sealed in a batch: who voted here, nothing more.
CREATE TABLE local_register (
  token TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE day_counts (
  day TEXT NOT NULL,
  training INTEGER NOT NULL CHECK (training IN (0, 1)),
  ballots INTEGER NOT NULL CHECK (ballots >= 0),
  participations INTEGER NOT NULL CHECK (participations >= 0),
  PRIMARY KEY (day, training)
) STRICT, WITHOUT ROWID;

-- Carry every vote of a v2 file over; nothing is lost. Sealed ballots are already, byte for byte, in
-- their batch envelopes (sealing set batch_seq in the same transaction that stored the envelope).
INSERT INTO day_counts (day, training, ballots, participations)
SELECT day, training, sum(b), sum(p)
FROM (
  SELECT cast_day AS day, training, 1 AS b, 0 AS p FROM ballots
  UNION ALL
  SELECT cast_day AS day, training, 0 AS b, 1 AS p FROM participations
)
GROUP BY day, training;

INSERT INTO local_register (token)
SELECT token FROM participations WHERE training = 0 AND batch_seq IS NOT NULL;

INSERT INTO open_ballots (training, items)
SELECT training, json_group_array(json_object('id', id, 'choices', json(choices), 'castDay', cast_day))
FROM (SELECT id, choices, training, cast_day FROM ballots WHERE batch_seq IS NULL ORDER BY id)
GROUP BY training;

INSERT INTO open_participations (training, items)
SELECT training, json_group_array(json_object(
  'token', token,
  'communeCode', commune_code,
  'ageBracket', age_bracket,
  'assisted', json(CASE assisted WHEN 1 THEN 'true' ELSE 'false' END),
  'castDay', cast_day))
FROM (
  SELECT token, commune_code, age_bracket, assisted, training, cast_day FROM participations
  WHERE batch_seq IS NULL ORDER BY token
)
GROUP BY training;

DROP INDEX ballots_outbox;
DROP INDEX participations_outbox;
DROP TABLE ballots;
DROP TABLE participations;
