-- An event's title, description and email text in other languages (JSON object by language
-- code: {"es": {"title": ..., "description": ..., "email_text": ...}}); missing ones fall
-- back to the event's own fields.
ALTER TABLE events ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
