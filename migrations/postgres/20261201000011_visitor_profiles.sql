-- What an exchange asks of each visitor (date of birth, gender, languages, diets, allergies,
-- mobility, a minor's guardian and consents), as JSON; empty for ordinary events.
ALTER TABLE participants ADD COLUMN profile TEXT NOT NULL DEFAULT '';
