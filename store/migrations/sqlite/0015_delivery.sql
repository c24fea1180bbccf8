-- Delivering the outbox: each message is claimed by one dispatcher at a time (claimed_until),
-- tried with backoff (attempts, next_attempt_at), and ends sent, dead (with the last error) or
-- suppressed (the recipient unsubscribed from messages they did not ask for).
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sent_at BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
-- How a city's messages leave: its e-mail sender and reply-to, its SMS gateway (a signed webhook).
CREATE TABLE city_delivery (
    city        TEXT PRIMARY KEY,
    email_from  TEXT,
    reply_to    TEXT,
    sms_url     TEXT,
    sms_secret  TEXT
);
-- Contacts (lowercase e-mail or E.164 phone) that asked a city for no more unprompted messages.
CREATE TABLE unsubscribes (
    city     TEXT NOT NULL,
    contact  TEXT NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (city, contact)
);
