-- Finding packages by group and keyword.
ALTER TABLE packages ADD COLUMN grp TEXT;
ALTER TABLE packages ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
