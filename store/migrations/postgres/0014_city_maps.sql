-- The map a city's forms show to place a request: the tile server's URL template
-- ({z}/{x}/{y}) and where the map starts. No tiles, no map: the form asks for an address.
ALTER TABLE cities ADD COLUMN map_tiles TEXT;
ALTER TABLE cities ADD COLUMN map_latitude DOUBLE PRECISION;
ALTER TABLE cities ADD COLUMN map_longitude DOUBLE PRECISION;
ALTER TABLE cities ADD COLUMN map_zoom BIGINT;
