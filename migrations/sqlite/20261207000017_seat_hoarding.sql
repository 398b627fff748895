-- Seats held by pay-later registrations from addresses nobody has confirmed yet are held
-- briefly; a link in the first email confirms the address and extends the hold.
ALTER TABLE events ADD COLUMN max_participants INTEGER;
ALTER TABLE events ADD COLUMN max_registrations_per_email INTEGER;
ALTER TABLE registrations ADD COLUMN email_confirm_code TEXT;
CREATE TABLE confirmed_emails (
    email TEXT PRIMARY KEY,
    confirmed_at TEXT NOT NULL
);
CREATE INDEX registrations_event_email ON registrations (event_id, contact_email);
