-- Businesses and associations: an account of a city with several representatives (citizens'
-- accounts); its owner manages it. A request filed on its behalf is shared by them all.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    city        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('business', 'association')),
    created_at  BIGINT NOT NULL,
    erased_at   BIGINT
);
CREATE INDEX organisations_by_city ON organisations (city, id);
CREATE TABLE organisation_members (
    organisation_id  BIGINT NOT NULL,
    city             TEXT NOT NULL,
    user_id          BIGINT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'representative')),
    added_at         BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX organisation_members_by_user ON organisation_members (city, user_id);
CREATE TABLE organisation_cases (
    city             TEXT NOT NULL,
    case_id          BIGINT NOT NULL,
    organisation_id  BIGINT NOT NULL,
    PRIMARY KEY (city, case_id)
);
CREATE INDEX organisation_cases_by_organisation ON organisation_cases (city, organisation_id, case_id);
