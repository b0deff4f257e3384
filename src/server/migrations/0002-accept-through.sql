-- A revoked kiosk whose batches the central team still accepts up to a stated seq (a kiosk revoked
-- after it was recovered: what it signed before the recovery still counts, nothing after). NULL: a
-- revoked kiosk is refused entirely, as before.
ALTER TABLE kiosks ADD COLUMN accept_through INTEGER CHECK (accept_through IS NULL OR accept_through >= 0);
