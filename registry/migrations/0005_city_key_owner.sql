-- A city's host key is registered by a publisher (the host's operator, with its token), never by
-- the first anonymous report: the publisher that registered it may replace it, nobody else.
ALTER TABLE city_keys ADD COLUMN publisher_id BIGINT;
