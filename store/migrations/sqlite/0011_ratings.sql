-- How satisfied the citizen who filed a request was with its resolution: 1 to 5 and a comment,
-- one rating per request (rating again replaces it).
CREATE TABLE ratings (
    city      TEXT NOT NULL,
    case_id   INTEGER NOT NULL,
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment   TEXT NOT NULL DEFAULT '',
    rated_at  BIGINT NOT NULL,
    PRIMARY KEY (city, case_id)
);
