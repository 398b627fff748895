-- no-transaction
-- Safeguarding, second part (issue 15).
-- 1. A household that changes its address, members, smoking, pets or limits goes back to
--    `review` (minors paused) until staff approve again; `review_changes` keeps what changed
--    (JSON: field -> {"before", "after"}) for staff. SQLite cannot change a CHECK in place:
--    the table is rebuilt with foreign keys off (hence no transaction around the file).
-- 2. Household members have a name to show before a placement is confirmed, and keep a
--    stable id: removing one is explicit and keeps their screenings on record.
-- 3. A minor's guardian answers the placement consents through their own private link.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE households_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL,
    token_selector TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'applicant' CHECK (status IN ('applicant', 'approved', 'review', 'suspended')),
    status_reason TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    address TEXT NOT NULL,
    area TEXT NOT NULL DEFAULT '',
    beds INTEGER NOT NULL CHECK (beds >= 1),
    bedrooms INTEGER NOT NULL CHECK (bedrooms >= 1),
    room TEXT NOT NULL CHECK (room IN ('private', 'shared')),
    bathroom TEXT NOT NULL CHECK (bathroom IN ('private', 'shared')),
    max_parties INTEGER NOT NULL DEFAULT 1 CHECK (max_parties >= 1),
    step_free BOOLEAN NOT NULL,
    bedroom_floor INTEGER NOT NULL DEFAULT 0,
    pets TEXT NOT NULL DEFAULT '[]',
    smoking TEXT NOT NULL CHECK (smoking IN ('none', 'outside', 'inside')),
    languages TEXT NOT NULL DEFAULT '[]',
    diets TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    available TEXT NOT NULL DEFAULT '[]',
    accepts_minors BOOLEAN NOT NULL,
    guest_gender TEXT NOT NULL CHECK (guest_gender IN ('any', 'female', 'male')),
    accepts_couples BOOLEAN NOT NULL,
    accepts_smokers BOOLEAN NOT NULL,
    max_nights INTEGER,
    staff_notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    review_changes TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO households_new (id, token, token_selector, status, status_reason, contact_name, contact_email, contact_phone, language, address, area, beds, bedrooms, room, bathroom, max_parties, step_free, bedroom_floor, pets, smoking, languages, diets, interests, available, accepts_minors, guest_gender, accepts_couples, accepts_smokers, max_nights, staff_notes, created_at, updated_at)
SELECT id, token, token_selector, status, status_reason, contact_name, contact_email, contact_phone, language, address, area, beds, bedrooms, room, bathroom, max_parties, step_free, bedroom_floor, pets, smoking, languages, diets, interests, available, accepts_minors, guest_gender, accepts_couples, accepts_smokers, max_nights, staff_notes, created_at, updated_at FROM households;
DROP TABLE households;
ALTER TABLE households_new RENAME TO households;
CREATE INDEX households_status ON households (status);

ALTER TABLE household_members ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
-- A member removed by the household keeps their row (and screenings) for the record.
ALTER TABLE household_members ADD COLUMN removed_at TEXT;

CREATE TABLE guardian_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL UNIQUE REFERENCES participants (id) ON DELETE CASCADE,
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
    answered_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX guardian_consents_registration ON guardian_consents (registration_id);
COMMIT;
PRAGMA foreign_keys = ON;
