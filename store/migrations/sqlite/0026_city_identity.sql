-- A city's own face: its colour (for its header, held to AA contrast with white text) and its
-- crest (a PNG the host made from the image an administrator uploaded; crest_at is when, which
-- also names the crest's version in its address).
ALTER TABLE cities ADD COLUMN colour TEXT;
ALTER TABLE cities ADD COLUMN crest_at BIGINT;
CREATE TABLE city_crests (
    city          TEXT PRIMARY KEY,
    png           BLOB NOT NULL
);
