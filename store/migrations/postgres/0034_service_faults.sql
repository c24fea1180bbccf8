-- A service's own faults (a trap, a deadline, its memory cap, a component that cannot run), one
-- row per city, service and version: the first is told to the city's administrators, the rest
-- only counted, so a fault that fails every call tells them once.
CREATE TABLE service_faults (
    city        TEXT NOT NULL,
    service     TEXT NOT NULL,
    version     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (city, service, version)
);
