-- The origins a service granted `http` may call (https://waste.example.org:8443), as the city's
-- administrator approved them at install or upgrade: a JSON list; and what the previous version had.
ALTER TABLE installs ADD COLUMN hosts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE installs ADD COLUMN previous_hosts TEXT;
