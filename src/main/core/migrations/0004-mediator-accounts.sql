-- Named mediator accounts (docs/secrecy.md §5): a PIN verifier and, wrapped under a key derived from the
-- same PIN, the data key that opens the kiosk's keys. The lockout lives here so a restart cannot reset
-- it: `wrong_tries` since the last success or lockout, `lockouts` in a row (each doubles the next one),
-- `locked_until` as the kiosk clock's ISO time.
CREATE TABLE mediator_accounts (
  id TEXT PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  pin_hash TEXT NOT NULL,
  wrapped_data_key TEXT NOT NULL,
  wrong_tries INTEGER NOT NULL DEFAULT 0,
  lockouts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- Nonces of the central team's mediator resets already applied: a reset works once.
CREATE TABLE mediator_reset_nonces (
  nonce TEXT PRIMARY KEY,
  used_at TEXT NOT NULL
) STRICT;

-- The single shared PIN of earlier versions goes (nothing was deployed with it), and with it any key
-- stored in clear: the kiosk's keys now live only in the sealed vault.
DELETE FROM settings WHERE key IN ('mediator.pin', 'kiosk.private_key', 'participation.key');
