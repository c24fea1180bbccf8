-- Publishers, packages and their immutable versions, and which cities run them.
CREATE TABLE publishers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    city        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    public_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE packages (
    name         TEXT PRIMARY KEY,
    owner        BIGINT NOT NULL REFERENCES publishers(id),
    description  TEXT NOT NULL,
    readme       TEXT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE versions (
    name          TEXT NOT NULL REFERENCES packages(name),
    version       TEXT NOT NULL,
    digest        TEXT NOT NULL,
    size          BIGINT NOT NULL,
    manifest      TEXT NOT NULL,
    signature     TEXT NOT NULL,
    contract      TEXT NOT NULL,
    capabilities  TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    yanked        BIGINT NOT NULL DEFAULT 0,
    deprecated    TEXT,
    PRIMARY KEY (name, version)
);

CREATE TABLE city_installs (
    name        TEXT NOT NULL REFERENCES packages(name),
    city        TEXT NOT NULL,
    version     TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (name, city)
);
