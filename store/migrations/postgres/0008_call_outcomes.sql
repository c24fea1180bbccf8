-- Ids handed out before their rows are written (a plugin call learns the id of a case it opens or a
-- message it queues before its writes commit): blocks are reserved from here.
CREATE TABLE id_blocks (
    name  TEXT PRIMARY KEY,
    next  BIGINT NOT NULL
);
INSERT INTO id_blocks (name, next) SELECT 'cases', 1 + GREATEST(COALESCE((SELECT MAX(id) FROM cases), 0), (SELECT last_value FROM cases_id_seq));
INSERT INTO id_blocks (name, next) SELECT 'outbox', 1 + GREATEST(COALESCE((SELECT MAX(id) FROM outbox), 0), (SELECT last_value FROM outbox_id_seq));

-- How many entries and bytes each plugin keeps in each city, kept by triggers whatever writes `kv`,
-- so the store's limits are checked without counting the entries.
CREATE TABLE kv_usage (
    city     TEXT NOT NULL,
    plugin   TEXT NOT NULL,
    entries  BIGINT NOT NULL,
    bytes    BIGINT NOT NULL,
    PRIMARY KEY (city, plugin)
);
INSERT INTO kv_usage (city, plugin, entries, bytes)
    SELECT city, plugin, COUNT(*), COALESCE(SUM(octet_length(value)), 0) FROM kv GROUP BY city, plugin;
CREATE FUNCTION kv_usage_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO kv_usage (city, plugin, entries, bytes) VALUES (NEW.city, NEW.plugin, 1, octet_length(NEW.value))
            ON CONFLICT (city, plugin) DO UPDATE SET entries = kv_usage.entries + 1, bytes = kv_usage.bytes + octet_length(NEW.value);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE kv_usage SET bytes = bytes + octet_length(NEW.value) - octet_length(OLD.value)
            WHERE city = NEW.city AND plugin = NEW.plugin;
    ELSE
        UPDATE kv_usage SET entries = entries - 1, bytes = bytes - octet_length(OLD.value)
            WHERE city = OLD.city AND plugin = OLD.plugin;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER kv_usage_track AFTER INSERT OR UPDATE OF value OR DELETE ON kv
    FOR EACH ROW EXECUTE FUNCTION kv_usage_track();

-- Quotas: what one install may create (documented defaults, settable per install), and how many
-- messages a whole city may queue in a day. Counted over the last 24 hours with these indexes.
ALTER TABLE installs ADD COLUMN quotas TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cities ADD COLUMN messages_per_day BIGINT NOT NULL DEFAULT 50000;
CREATE INDEX outbox_by_service_and_time ON outbox (city, service, created_at);
CREATE INDEX outbox_by_city_and_time ON outbox (city, created_at);
-- Cases a plugin opened itself (through `cases.create`), which count against its cases-per-day.
ALTER TABLE cases ADD COLUMN by_service BIGINT NOT NULL DEFAULT 0;
CREATE INDEX cases_by_service_and_time ON cases (city, service, created_at);
