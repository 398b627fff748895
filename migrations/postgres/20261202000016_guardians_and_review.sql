-- Safeguarding, second part (issue 15).
-- 1. A household that changes its address, members, smoking, pets or limits goes back to
--    `review` (minors paused) until staff approve again; `review_changes` keeps what changed
--    (JSON: field -> {"before", "after"}) for staff.
-- 2. Household members have a name to show before a placement is confirmed, and keep a
--    stable id: removing one is explicit and keeps their screenings on record.
-- 3. A minor's guardian answers the placement consents through their own private link.
ALTER TABLE households DROP CONSTRAINT households_status_check;
ALTER TABLE households ADD CONSTRAINT households_status_check
    CHECK (status IN ('applicant', 'approved', 'review', 'suspended'));
ALTER TABLE households ADD COLUMN review_changes TEXT NOT NULL DEFAULT '{}';

ALTER TABLE household_members ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
-- A member removed by the household keeps their row (and screenings) for the record.
ALTER TABLE household_members ADD COLUMN removed_at TIMESTAMPTZ;

CREATE TABLE guardian_consents (
    id BIGSERIAL PRIMARY KEY,
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL UNIQUE REFERENCES participants (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    token_selector TEXT NOT NULL UNIQUE,
    guardian_name TEXT NOT NULL,
    guardian_email TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'refused')),
    given TEXT NOT NULL DEFAULT '[]',
    refused TEXT NOT NULL DEFAULT '[]',
    medical TEXT NOT NULL DEFAULT '',
    emergency_name TEXT NOT NULL DEFAULT '',
    emergency_phone TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX guardian_consents_registration ON guardian_consents (registration_id);
