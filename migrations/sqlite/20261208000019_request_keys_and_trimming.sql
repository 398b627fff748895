-- A public registration POST with an Idempotency-Key (or the form's submission key) is created
-- once: the key, what the request said (a hash) and the registration it made (set in the same
-- transaction that claimed the key). Forgotten after a day by the minute sweep.
CREATE TABLE request_keys (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    registration_id INTEGER REFERENCES registrations (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX request_keys_created ON request_keys (created_at);

-- The bodies of sent emails are removed after TWINNING_OUTBOX_BODY_DAYS; the row (recipient,
-- subject, state, times, Message-ID) stays, with the time its body was removed.
ALTER TABLE outbox ADD COLUMN body_trimmed_at TEXT;

-- Staff messages (bulk mail) carry List-Unsubscribe: the address the contact's mail program
-- posts to, and when a registration asked to get no more of them.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
ALTER TABLE registrations ADD COLUMN messages_stopped_at TEXT;
