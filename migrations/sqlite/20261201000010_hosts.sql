-- Host households for exchanges (DESIGN section 5): the application, who lives there, and the
-- screening of each adult. Lists (pets, languages, diets, interests, dates available) are JSON
-- text: they are read and written whole, never queried inside.
CREATE TABLE households (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL,
    token_selector TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'applicant' CHECK (status IN ('applicant', 'approved', 'suspended')),
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
    updated_at TEXT NOT NULL
);
CREATE INDEX households_status ON households (status);

-- Everyone living in the household; adults (by the programme's age threshold) need screening
-- before a minor is placed there.
CREATE TABLE household_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id INTEGER NOT NULL REFERENCES households (id),
    name TEXT NOT NULL,
    born_on TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX household_members_household ON household_members (household_id);

-- A check on one member: what, the outcome and when, never the report itself.
CREATE TABLE screenings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES household_members (id),
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('clear', 'not_clear', 'pending')),
    completed_on TEXT,
    expires_on TEXT,
    reference TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES staff_users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX screenings_member ON screenings (member_id);
