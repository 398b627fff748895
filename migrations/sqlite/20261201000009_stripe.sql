-- Card payments through Stripe Checkout.
-- A registration paying by card gets a Checkout Session per seat hold; the session's state
-- follows Stripe ('processing': completed with a payment still settling, as for bank debits).
CREATE TABLE checkout_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations (id),
    stripe_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'processing', 'paid', 'expired', 'failed')),
    expires_at TEXT NOT NULL,
    checked_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX checkout_sessions_registration ON checkout_sessions (registration_id);
CREATE INDEX checkout_sessions_status ON checkout_sessions (status);

-- Every webhook event Stripe delivered, once: a redelivery finds its id here and is ignored.
-- Processing happens in a job; `processed_at` stays empty until it has.
CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    processed_at TEXT,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stripe_events_unprocessed ON stripe_events (received_at) WHERE processed_at IS NULL;

-- A refund row names the payment it gives money back from (a card refund goes to that charge).
ALTER TABLE payments ADD COLUMN refund_of INTEGER REFERENCES payments (id);
-- When the payer disputed a card payment with their bank (staff must respond in Stripe).
ALTER TABLE registrations ADD COLUMN disputed_at TEXT;
