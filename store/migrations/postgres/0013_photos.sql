-- Photos a citizen attached to a request: re-encoded by the host (no metadata survives), with a
-- thumbnail; numbered 1, 2, 3 within their request.
CREATE TABLE photos (
    city          TEXT NOT NULL,
    case_id       BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BYTEA NOT NULL,
    thumbnail     BYTEA NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    added_at      BIGINT NOT NULL,
    PRIMARY KEY (city, case_id, n)
);
