-- Placements of exchange parties with host households: proposed by staff, accepted by the host,
-- then confirmed by the visitor (or a minor's guardian); or declined, expired, cancelled.
-- Each side answers through its own private link. A party has at most one active match.
CREATE TABLE matches (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'host_accepted', 'confirmed', 'declined', 'expired', 'cancelled')),
    host_token TEXT NOT NULL,
    host_selector TEXT NOT NULL UNIQUE,
    visitor_token TEXT NOT NULL,
    visitor_selector TEXT NOT NULL UNIQUE,
    score BIGINT NOT NULL DEFAULT 0,
    breakdown TEXT NOT NULL DEFAULT '{}',
    override_reason TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    deadline TIMESTAMPTZ NOT NULL,
    reminders_sent BIGINT NOT NULL DEFAULT 0,
    proposed_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX matches_one_active ON matches (registration_id)
    WHERE state IN ('proposed', 'host_accepted', 'confirmed');
CREATE INDEX matches_event ON matches (event_id);
CREATE INDEX matches_household ON matches (household_id);

CREATE TABLE match_history (
    id BIGSERIAL PRIMARY KEY,
    match_id BIGINT NOT NULL REFERENCES matches (id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX match_history_match ON match_history (match_id);
