-- Public pages and the staff console.

-- Statements a registrant must accept (one per line), and what each registration accepted.
ALTER TABLE events ADD COLUMN consents TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN consents TEXT NOT NULL DEFAULT '';

-- Per-participant dietary and accessibility notes, and the code shown as a QR code at the door
-- (not the private registration token: a code read over a shoulder opens nothing).
ALTER TABLE participants ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN checkin_code TEXT;
CREATE UNIQUE INDEX participants_checkin_code ON participants (checkin_code);

-- Staff console sessions: the cookie carries a random token, the database only its SHA-256.
CREATE TABLE staff_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    staff_user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (staff_user_id);

ALTER TABLE staff_users ADD COLUMN name TEXT NOT NULL DEFAULT '';
