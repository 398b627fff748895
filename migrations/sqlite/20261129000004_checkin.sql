-- Check-in at the door, per participant.
ALTER TABLE participants ADD COLUMN checked_in_at TEXT;
ALTER TABLE participants ADD COLUMN checked_in_by TEXT;
