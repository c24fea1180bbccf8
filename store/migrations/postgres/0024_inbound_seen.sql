-- Forwarded replies already taken (by the sha256 of their signature), for the window a signature
-- is valid: the same signed reply is taken once.
CREATE TABLE inbound_seen (
    city     TEXT NOT NULL,
    digest   TEXT NOT NULL,
    seen_at  BIGINT NOT NULL,
    PRIMARY KEY (city, digest)
);
