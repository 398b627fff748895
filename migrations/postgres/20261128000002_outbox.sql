-- Every email the system sends, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    registration_id BIGINT REFERENCES registrations (id),
    event_id BIGINT REFERENCES events (id),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    ics TEXT,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled', 'held')),
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    provider_response TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('queued', 'retrying');
CREATE INDEX outbox_status ON outbox (status, id);
CREATE INDEX outbox_registration ON outbox (registration_id);
CREATE INDEX outbox_event ON outbox (event_id);

ALTER TABLE events ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '7,1';
ALTER TABLE events ADD COLUMN custom_email_text TEXT NOT NULL DEFAULT '';
