-- People (operator, city administrators, staff, citizens, API clients), their credentials,
-- departments and routing, case ownership, messages and the audit log.
CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    city           TEXT REFERENCES cities(slug),
    role           TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT,
    phone          TEXT,
    password_hash  TEXT,
    channel        TEXT NOT NULL DEFAULT 'email',
    language       TEXT NOT NULL DEFAULT 'en',
    consent        BIGINT NOT NULL DEFAULT 0,
    department     TEXT,
    created_at     BIGINT NOT NULL,
    erased_at      BIGINT
);
CREATE UNIQUE INDEX users_by_email ON users (city, email);

CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    city        TEXT REFERENCES cities(slug),
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE departments (
    city        TEXT NOT NULL REFERENCES cities(slug),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (city, code)
);

CREATE TABLE case_messages (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL REFERENCES cities(slug),
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    author_id    BIGINT,
    author_role  TEXT NOT NULL,
    body         TEXT NOT NULL,
    internal     BIGINT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX case_messages_by_case ON case_messages (city, case_id, id);

CREATE TABLE audit (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT,
    actor_id     BIGINT,
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,
    object       TEXT NOT NULL,
    before       TEXT,
    after        TEXT,
    at           BIGINT NOT NULL
);
CREATE INDEX audit_by_city ON audit (city, id);

ALTER TABLE cases ADD COLUMN citizen_id BIGINT;
ALTER TABLE cases ADD COLUMN assignee_id BIGINT;
ALTER TABLE cases ADD COLUMN duplicate_of BIGINT;
ALTER TABLE cases ADD COLUMN resolved_at BIGINT;
