-- What visitors did with articles, for the evaluation: read one (from a service's form, when
-- they came from one), said it answered their question, filed with a service after reading.
-- A visitor is a hash of their browser's own token, nothing else about them.
CREATE TABLE article_events (
    id          BIGSERIAL PRIMARY KEY,
    city        TEXT NOT NULL,
    article_id  BIGINT,
    service     TEXT,
    visitor     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX article_events_by_city ON article_events (city, at);
CREATE INDEX article_events_by_visitor ON article_events (city, visitor, service);
