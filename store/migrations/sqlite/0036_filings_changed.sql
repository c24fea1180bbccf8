-- A count, per city, of the changes to what filing a request there depends on: its installs, its
-- routing, its webhook and its move. A node files a request with what it read of these for the
-- last one, and stores the case only if this count is still the one it read with them; the
-- triggers see every change, whichever node or process makes it. A migration that rebuilds one of
-- these tables must create its triggers again.
ALTER TABLE cities ADD COLUMN filings_changed BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER installs_filings_inserted AFTER INSERT ON installs
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = NEW.city;
END;
CREATE TRIGGER installs_filings_updated AFTER UPDATE OF id, city, code, plugin, version, digest, grants, config, deadline_ms, memory_bytes, installed_at, anonymous, quotas, public, private_fields, previous_version, hosts ON installs
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug IN (OLD.city, NEW.city);
END;
CREATE TRIGGER installs_filings_deleted AFTER DELETE ON installs
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = OLD.city;
END;

CREATE TRIGGER routes_filings_inserted AFTER INSERT ON routes
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = NEW.city;
END;
CREATE TRIGGER routes_filings_updated AFTER UPDATE ON routes
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug IN (OLD.city, NEW.city);
END;
CREATE TRIGGER routes_filings_deleted AFTER DELETE ON routes
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = OLD.city;
END;

CREATE TRIGGER city_delivery_filings_inserted AFTER INSERT ON city_delivery
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = NEW.city;
END;
CREATE TRIGGER city_delivery_filings_updated AFTER UPDATE OF city, webhook_url ON city_delivery
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug IN (OLD.city, NEW.city);
END;
CREATE TRIGGER city_delivery_filings_deleted AFTER DELETE ON city_delivery
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = OLD.city;
END;

CREATE TRIGGER cities_filings_moved AFTER UPDATE OF moved_to ON cities
BEGIN
    UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = NEW.slug;
END;
