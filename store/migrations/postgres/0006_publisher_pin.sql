-- The publisher whose key signed an install from the registry: an upgrade signed by another key is refused.
ALTER TABLE installs ADD COLUMN publisher TEXT;
ALTER TABLE installs ADD COLUMN publisher_key TEXT;
