-- Pairs staff ruled out for an exchange (never suggested, like a declined pair), with why.
CREATE TABLE match_exclusions (
    event_id BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, registration_id, household_id)
);
