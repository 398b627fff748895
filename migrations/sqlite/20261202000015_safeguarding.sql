-- no-transaction
-- Safeguarding (issue 15): a match can end `withdrawn` when what it rests on changes and the
-- pair breaks a hard rule; the rule is kept as its reason, and the rules staff overrode when
-- proposing are kept so an override covers only those. SQLite cannot change a CHECK in place:
-- the table is rebuilt with foreign keys off (hence no transaction around the file).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE matches_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events (id),
    registration_id INTEGER NOT NULL REFERENCES registrations (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'host_accepted', 'confirmed', 'declined', 'expired', 'cancelled', 'withdrawn')),
    host_token TEXT NOT NULL,
    host_selector TEXT NOT NULL UNIQUE,
    visitor_token TEXT NOT NULL,
    visitor_selector TEXT NOT NULL UNIQUE,
    score INTEGER NOT NULL DEFAULT 0,
    breakdown TEXT NOT NULL DEFAULT '{}',
    override_reason TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    proposed_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    arrival_reminders INTEGER NOT NULL DEFAULT 0,
    overridden_rules TEXT NOT NULL DEFAULT '[]',
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO matches_new (id, event_id, registration_id, household_id, state, host_token, host_selector,
    visitor_token, visitor_selector, score, breakdown, override_reason, decline_reason, deadline,
    reminders_sent, proposed_by, created_at, updated_at, arrival_reminders)
SELECT id, event_id, registration_id, household_id, state, host_token, host_selector,
    visitor_token, visitor_selector, score, breakdown, override_reason, decline_reason, deadline,
    reminders_sent, proposed_by, created_at, updated_at, arrival_reminders FROM matches;
DROP TABLE matches;
ALTER TABLE matches_new RENAME TO matches;
CREATE UNIQUE INDEX matches_one_active ON matches (registration_id)
    WHERE state IN ('proposed', 'host_accepted', 'confirmed');
CREATE INDEX matches_event ON matches (event_id);
CREATE INDEX matches_household ON matches (household_id);
COMMIT;
PRAGMA foreign_keys = ON;
