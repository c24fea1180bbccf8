-- Request numbers a city brought from the host it moved from: old_id is the number its citizens
-- and apps know (Open311 ids, links in their e-mails), case_id the request it is here. A city's
-- new numbers are all above its old ones, so a number names one request only.
CREATE TABLE case_aliases (
    city     TEXT NOT NULL,
    old_id   BIGINT NOT NULL,
    case_id  BIGINT NOT NULL,
    PRIMARY KEY (city, old_id)
);
