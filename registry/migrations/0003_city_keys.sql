-- A city's host signs its reports that the city runs a package. Its key is registered with its
-- first report; after that only that key reports for the city.
CREATE TABLE city_keys (
    city           TEXT PRIMARY KEY,
    public_key     TEXT NOT NULL,
    registered_at  BIGINT NOT NULL
);
ALTER TABLE city_installs ADD COLUMN public_key TEXT;
