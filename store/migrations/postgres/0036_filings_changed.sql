-- A count, per city, of the changes to what filing a request there depends on: its installs, its
-- routing, its webhook and its move. A node files a request with what it read of these for the
-- last one, and stores the case only if this count is still the one it read with them; the
-- triggers see every change, whichever node makes it.
ALTER TABLE cities ADD COLUMN filings_changed BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION filings_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = OLD.city;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE cities SET filings_changed = filings_changed + 1 WHERE slug = NEW.city;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER installs_filings AFTER INSERT OR DELETE OR UPDATE OF id, city, code, plugin, version, digest, grants, config, deadline_ms, memory_bytes, installed_at, anonymous, quotas, public, private_fields, previous_version, hosts
    ON installs FOR EACH ROW EXECUTE FUNCTION filings_changed();
CREATE TRIGGER routes_filings AFTER INSERT OR DELETE OR UPDATE
    ON routes FOR EACH ROW EXECUTE FUNCTION filings_changed();
CREATE TRIGGER city_delivery_filings AFTER INSERT OR DELETE OR UPDATE OF city, webhook_url
    ON city_delivery FOR EACH ROW EXECUTE FUNCTION filings_changed();

CREATE FUNCTION city_moved() RETURNS trigger AS $$
BEGIN
    NEW.filings_changed := OLD.filings_changed + 1;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cities_filings_moved BEFORE UPDATE OF moved_to
    ON cities FOR EACH ROW EXECUTE FUNCTION city_moved();
