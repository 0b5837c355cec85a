-- The language a person chose for the service's pages and emails ("en", "cy"); '' until they choose.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
