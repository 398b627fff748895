-- Twinning schema, SQLite flavour. Times are RFC 3339 text in UTC, written by the application.
CREATE TABLE partner_cities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',
    since_year INTEGER,
    created_at TEXT NOT NULL
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'exchange')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    venue TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    registration_opens_at TEXT,
    registration_closes_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    -- Seats held by pending_payment, offered, confirmed and attended registrations, kept in
    -- step with every state change in the same transaction, so capacity checks are O(1).
    seats_held INTEGER NOT NULL DEFAULT 0 CHECK (seats_held >= 0),
    approval_required BOOLEAN NOT NULL DEFAULT FALSE,
    pay_card BOOLEAN NOT NULL DEFAULT FALSE,
    pay_later BOOLEAN NOT NULL DEFAULT TRUE,
    hold_minutes INTEGER NOT NULL,
    offer_minutes INTEGER NOT NULL,
    partner_city_id INTEGER REFERENCES partner_cities (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE offerings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    seats_held INTEGER NOT NULL DEFAULT 0 CHECK (seats_held >= 0),
    position INTEGER NOT NULL,
    UNIQUE (event_id, key)
);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events (id),
    token TEXT NOT NULL,
    token_selector TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'pending_payment', 'waitlisted',
        'offered', 'confirmed', 'attended', 'cancelled', 'expired', 'rejected')),
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    language TEXT NOT NULL,
    payment_method TEXT NOT NULL CHECK (payment_method IN ('none', 'later', 'card')),
    seats INTEGER NOT NULL CHECK (seats > 0),
    total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
    currency TEXT NOT NULL,
    hold_expires_at TEXT,
    offer_expires_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX registrations_event_status ON registrations (event_id, status);
CREATE INDEX registrations_hold_due ON registrations (hold_expires_at) WHERE status = 'pending_payment';
CREATE INDEX registrations_offer_due ON registrations (offer_expires_at) WHERE status = 'offered';

CREATE TABLE participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    offering_id INTEGER NOT NULL REFERENCES offerings (id),
    name TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX participants_registration ON participants (registration_id);
CREATE INDEX participants_offering ON participants (offering_id);

CREATE TABLE registration_transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX registration_transitions_registration ON registration_transitions (registration_id);

CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'checkin')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id),
    method TEXT NOT NULL CHECK (method IN ('card', 'cash', 'transfer', 'other')),
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES staff_users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX payments_registration ON payments (registration_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    created_at TEXT NOT NULL
);
