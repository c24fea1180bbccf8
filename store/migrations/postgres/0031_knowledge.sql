-- The city's knowledge base: articles its staff write, a version per language, found by full-text
-- search over their words' stems (computed by the host, the same for SQLite and PostgreSQL).
CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    city         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'draft',
    tags         TEXT NOT NULL DEFAULT '[]',
    services     TEXT NOT NULL DEFAULT '[]',
    known_issue  BIGINT NOT NULL DEFAULT 0,
    until_at     BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX articles_by_city ON articles (city, updated_at);
CREATE TABLE article_texts (
    article_id  BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    city        TEXT NOT NULL,
    language    TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- The stems of the title's and the body's words, space-separated.
    terms       TEXT NOT NULL,
    -- Their full-text index: the stems as they are ('simple'), stemmed by the host already.
    search      TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED,
    PRIMARY KEY (article_id, language)
);
CREATE INDEX article_texts_by_city ON article_texts (city, language);
CREATE INDEX article_texts_search ON article_texts USING GIN (search);
