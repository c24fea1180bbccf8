-- A city's routing of services (and their categories) to departments, its window for reopening a
-- resolution, and whether each service takes requests from citizens without an account.
CREATE TABLE routes (
    city        TEXT NOT NULL REFERENCES cities(slug),
    service     TEXT NOT NULL,
    category    TEXT NOT NULL,
    department  TEXT NOT NULL,
    PRIMARY KEY (city, service, category)
);

ALTER TABLE cities ADD COLUMN reopen_days BIGINT NOT NULL DEFAULT 14;
ALTER TABLE installs ADD COLUMN anonymous BIGINT NOT NULL DEFAULT 1;
