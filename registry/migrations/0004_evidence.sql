-- Pilot figures a city published for a package version: aggregated, no personal data, signed by
-- the city's host (the key its reports are signed with).
CREATE TABLE evidence (
    name          TEXT NOT NULL,
    city          TEXT NOT NULL,
    version       TEXT NOT NULL,
    figures       TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    public_key    TEXT NOT NULL,
    PRIMARY KEY (name, city, version)
);
