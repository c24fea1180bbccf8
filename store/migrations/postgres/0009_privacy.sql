-- Who may see a request. A service declares whether its requests are public and which of its
-- fields stay private (a city may make a service private or public); each request keeps the rule
-- it was filed under. Its submitter follows it with a secret shown once (only its hash is kept).
ALTER TABLE installs ADD COLUMN public BIGINT NOT NULL DEFAULT 0;
ALTER TABLE installs ADD COLUMN private_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN public BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hidden_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN secret_hash TEXT;
CREATE INDEX cases_public ON cases (city, public, id);
CREATE UNIQUE INDEX cases_by_secret ON cases (secret_hash);
ALTER TABLE cities ADD COLUMN public_location BIGINT NOT NULL DEFAULT 1;

-- Contacts are verified before anything is linked to them: a code goes to the contact through
-- the outbox; only its hash is kept, with an expiry and a count of wrong tries.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN phone_verified_at BIGINT;
CREATE TABLE verifications (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    channel     TEXT NOT NULL,
    contact     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel)
);

-- The host's own keys (the key requester ids are derived with), made once per database.
CREATE TABLE host_keys (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Failed sign-ins per account and per client address, for growing delays.
CREATE TABLE sign_in_failures (
    subject   TEXT PRIMARY KEY,
    failures  BIGINT NOT NULL,
    last_at   BIGINT NOT NULL
);
