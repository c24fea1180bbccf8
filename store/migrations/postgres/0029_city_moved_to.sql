-- A city that moved to another host (carmen city move-out): the address its citizens go to now.
-- Here it stays readable and takes no change; its messages and ticks are the new host's.
ALTER TABLE cities ADD COLUMN moved_to TEXT;
-- The few moved cities, found without reading every city's row.
CREATE INDEX cities_moved ON cities (slug) WHERE moved_to IS NOT NULL;
