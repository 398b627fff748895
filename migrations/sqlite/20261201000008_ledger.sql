-- The payments table becomes the ledger: money in (kind 'payment', positive amounts) and money
-- back (kind 'refund', negative amounts), each with a state (a Stripe refund is 'pending' until
-- Stripe confirms it; a 'failed' one does not count), why, and Stripe's id of the charge or
-- refund when there is one. What a registration has paid is the sum of rows not 'failed'.
ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'refund'));
ALTER TABLE payments ADD COLUMN status TEXT NOT NULL DEFAULT 'succeeded' CHECK (status IN ('pending', 'succeeded', 'failed'));
ALTER TABLE payments ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN stripe_id TEXT;
CREATE UNIQUE INDEX payments_stripe_id ON payments (stripe_id) WHERE stripe_id IS NOT NULL;
