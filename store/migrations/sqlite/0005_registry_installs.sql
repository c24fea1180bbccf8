-- Where an install came from, and the version it ran before (for rollback).
ALTER TABLE installs ADD COLUMN source TEXT;
ALTER TABLE installs ADD COLUMN previous_digest TEXT;
ALTER TABLE installs ADD COLUMN previous_version TEXT;
ALTER TABLE installs ADD COLUMN previous_grants TEXT;
ALTER TABLE installs ADD COLUMN previous_config TEXT;
