-- Cities, installed services, their components, cases with history and notes, key-value entries, the outbox.
CREATE TABLE cities (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE components (
    digest      TEXT PRIMARY KEY,
    bytes       BYTEA NOT NULL,
    size        BIGINT NOT NULL,
    added_at    BIGINT NOT NULL
);

CREATE TABLE installs (
    id            BIGSERIAL PRIMARY KEY,
    city          TEXT NOT NULL REFERENCES cities(slug),
    code          TEXT NOT NULL,
    plugin        TEXT NOT NULL,
    version       TEXT NOT NULL,
    digest        TEXT NOT NULL REFERENCES components(digest),
    grants        TEXT NOT NULL,
    config        TEXT NOT NULL,
    deadline_ms   BIGINT NOT NULL,
    memory_bytes  BIGINT NOT NULL,
    installed_at  BIGINT NOT NULL,
    UNIQUE (city, code)
);

CREATE TABLE cases (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL REFERENCES cities(slug),
    service      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    priority     TEXT NOT NULL,
    department   TEXT,
    latitude     DOUBLE PRECISION,
    longitude    DOUBLE PRECISION,
    address      TEXT,
    contact      TEXT,
    fields       TEXT NOT NULL,
    notice       TEXT,
    reference    TEXT,
    language     TEXT NOT NULL,
    due_at       BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX cases_by_city ON cases (city, service, id);

CREATE TABLE case_history (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL REFERENCES cities(slug),
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    note         TEXT
);
CREATE INDEX case_history_by_case ON case_history (city, case_id, id);

CREATE TABLE case_notes (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL REFERENCES cities(slug),
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    at           BIGINT NOT NULL,
    author       TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (city, case_id, id);

CREATE TABLE kv (
    city         TEXT NOT NULL REFERENCES cities(slug),
    plugin       TEXT NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    value        BYTEA NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (city, plugin, key)
);

CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL REFERENCES cities(slug),
    service      TEXT NOT NULL,
    case_id      BIGINT,
    recipient    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX outbox_by_city ON outbox (city, id);
