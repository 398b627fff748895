-- Per exchange: how much each soft preference counts in the suggestion (staff edit these on
-- the matching board); an exchange without a row uses the defaults.
CREATE TABLE matching_weights (
    event_id INTEGER PRIMARY KEY REFERENCES events (id),
    language INTEGER NOT NULL,
    interests INTEGER NOT NULL,
    household_fit INTEGER NOT NULL,
    load INTEGER NOT NULL
);
-- Pre-arrival reminders sent for a confirmed match (0, 1 = 14 days before, 2 = 2 days before).
ALTER TABLE matches ADD COLUMN arrival_reminders INTEGER NOT NULL DEFAULT 0;
