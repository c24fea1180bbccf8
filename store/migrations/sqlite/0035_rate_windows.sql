-- Rate limits across nodes: the requests each client (its address's hash) or key (its hash) made
-- in one window of time, summed over every node that serves the same database. A node adds what
-- it counted a few times a second and refuses a client whose total is over its allowance until
-- the window ends. Windows older than the last two are deleted.
CREATE TABLE rate_windows (
    subject      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (subject, window_start)
);
