-- Staff tools: contact telephone, the event's questions and each participant's answers (JSON),
-- messages to attendees, saved export column choices, and an index that lets exports page
-- through an event's registrations in id order.
ALTER TABLE registrations ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE participants ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
CREATE INDEX registrations_event ON registrations (event_id, id);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    -- Random key of the compose form: sending the same form twice sends one message.
    form_key TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    filter_status TEXT,
    filter_offering TEXT,
    filter_checked_in BOOLEAN,
    recipients BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_event ON messages (event_id, id);

CREATE TABLE export_presets (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    columns TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, name)
);
