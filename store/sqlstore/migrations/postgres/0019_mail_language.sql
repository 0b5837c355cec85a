-- The language an email is written in ("en", "cy"), for the lang of its HTML part; '' for English.
ALTER TABLE mail ADD COLUMN lang TEXT NOT NULL DEFAULT '';
