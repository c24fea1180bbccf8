-- A city's Open311 jurisdiction: its domain (the slug also works).
ALTER TABLE cities ADD COLUMN domain TEXT;
CREATE UNIQUE INDEX cities_by_domain ON cities (domain);
