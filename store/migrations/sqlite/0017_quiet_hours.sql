-- The hours a city sends no unprompted message (local time: the city's offset from UTC).
ALTER TABLE cities ADD COLUMN quiet_start BIGINT;
ALTER TABLE cities ADD COLUMN quiet_end BIGINT;
ALTER TABLE cities ADD COLUMN utc_offset_minutes BIGINT NOT NULL DEFAULT 0;
