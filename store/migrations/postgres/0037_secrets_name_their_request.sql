-- A request's secret names its request (`rs_<number>_<random>`), so a follow link finds its request
-- by the request's key and then checks the secret's hash there. Only the secrets given before
-- (`rs_<random>`) and those of requests a city brought from another host are found by their hash
-- alone: `secret_alone` is 1 for them, and only they are in the unique index of hashes. A new
-- request (0) no longer writes a random place of that index, which cost a page written for every
-- request at every commit, more as the index outgrew the cache.
ALTER TABLE cases ADD COLUMN secret_alone BIGINT NOT NULL DEFAULT 1;
DROP INDEX cases_by_secret;
CREATE UNIQUE INDEX cases_by_secret ON cases (secret_hash) WHERE secret_alone = 1;
