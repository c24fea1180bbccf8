-- What a citizen follows: one request, or an area (a radius around a point); a digest of what
-- changed there goes out at most once a day.
CREATE TABLE follows (
    id              BIGSERIAL PRIMARY KEY,
    city            TEXT NOT NULL,
    user_id         BIGINT NOT NULL,
    case_id         BIGINT,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    radius_m        BIGINT,
    created_at      BIGINT NOT NULL,
    last_digest_at  BIGINT NOT NULL
);
CREATE INDEX follows_by_user ON follows (city, user_id);
CREATE INDEX follows_due ON follows (last_digest_at);
