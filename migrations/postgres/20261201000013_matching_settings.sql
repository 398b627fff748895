-- Per exchange: how much each soft preference counts in the suggestion (staff edit these on
-- the matching board); an exchange without a row uses the defaults.
CREATE TABLE matching_weights (
    event_id BIGINT PRIMARY KEY REFERENCES events (id),
    language BIGINT NOT NULL,
    interests BIGINT NOT NULL,
    household_fit BIGINT NOT NULL,
    load BIGINT NOT NULL
);
-- Pre-arrival reminders sent for a confirmed match (0, 1 = 14 days before, 2 = 2 days before).
ALTER TABLE matches ADD COLUMN arrival_reminders BIGINT NOT NULL DEFAULT 0;
