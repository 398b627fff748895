-- Check-in at the door, per participant.
ALTER TABLE participants ADD COLUMN checked_in_at TIMESTAMPTZ;
ALTER TABLE participants ADD COLUMN checked_in_by TEXT;
