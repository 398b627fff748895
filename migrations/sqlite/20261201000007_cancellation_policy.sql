-- Each event's cancellation policy: a full refund until refund_full_days before the start,
-- then refund_later_percent of what was paid (0: nothing). Default: full until 7 days before.
ALTER TABLE events ADD COLUMN refund_full_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE events ADD COLUMN refund_later_percent INTEGER NOT NULL DEFAULT 0;
