-- Replies staff save once and insert into a case's thread: a text per language, with
-- placeholders ({reference}, {address}, {due}) filled from the case.
CREATE TABLE saved_replies (
    id          INTEGER PRIMARY KEY,
    city        TEXT NOT NULL,
    name        TEXT NOT NULL,
    texts       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX saved_replies_by_city ON saved_replies (city, name);
