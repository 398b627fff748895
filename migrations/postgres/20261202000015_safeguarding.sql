-- Safeguarding (issue 15): a match can end `withdrawn` when what it rests on changes and the
-- pair breaks a hard rule; the rule is kept as its reason, and the rules staff overrode when
-- proposing are kept so an override covers only those.
ALTER TABLE matches DROP CONSTRAINT matches_state_check;
ALTER TABLE matches ADD CONSTRAINT matches_state_check
    CHECK (state IN ('proposed', 'host_accepted', 'confirmed', 'declined', 'expired', 'cancelled', 'withdrawn'));
ALTER TABLE matches ADD COLUMN overridden_rules TEXT NOT NULL DEFAULT '[]';
ALTER TABLE matches ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';
