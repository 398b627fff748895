-- The held-seat counters move off the events and offerings rows into rows of their own that
-- nothing references. Every registration inserts rows whose foreign keys point at its event
-- and offerings (each insert takes a KEY SHARE lock on them); while the counters lived on those
-- same rows, each counter update met those locks and left a multixact that every reader of the
-- row had to expand (PostgreSQL spent 17 % of its time in GetMultiXactIdMembers at 32
-- clients). Locking an event against seat changes now locks its counter row.
CREATE TABLE event_seats (
    event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0)
);
CREATE TABLE offering_seats (
    offering_id BIGINT PRIMARY KEY REFERENCES offerings (id) ON DELETE CASCADE,
    held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0)
);
INSERT INTO event_seats (event_id, held) SELECT id, seats_held FROM events;
INSERT INTO offering_seats (offering_id, held) SELECT id, seats_held FROM offerings;
ALTER TABLE events DROP COLUMN seats_held;
ALTER TABLE offerings DROP COLUMN seats_held;
