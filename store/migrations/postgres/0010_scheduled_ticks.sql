-- When each install's next scheduled tick is due: a node claims the due installs by moving this
-- forward in one statement, so several nodes never tick the same install in the same round.
ALTER TABLE installs ADD COLUMN next_tick_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX installs_next_tick ON installs (next_tick_at, id);
-- The components in use, found without reading every install.
CREATE INDEX installs_digest ON installs (digest);
