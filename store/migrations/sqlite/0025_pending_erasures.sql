-- A service that failed to forget an erased citizen does not hold the erasure back: the host's
-- part is done at once and the service is asked again until it forgets. What it is asked to
-- forget (the requester id and proved contacts) is kept here only until then.
CREATE TABLE pending_erasures (
    city          TEXT NOT NULL,
    install_code  TEXT NOT NULL,
    user_id       BIGINT NOT NULL,
    subject       TEXT NOT NULL,
    attempts      BIGINT NOT NULL,
    next_at       BIGINT NOT NULL,
    last_error    TEXT,
    PRIMARY KEY (city, install_code, user_id)
);
