-- Budgets of verification codes: per account and contact over the account's life (codes sent,
-- wrong codes tried), and per contact across all accounts per day (codes sent). Contacts are kept
-- only as the sha256 of their channel and value.
CREATE TABLE contact_proofs (
    user_id     BIGINT NOT NULL,
    contact     TEXT NOT NULL,
    codes_sent  BIGINT NOT NULL,
    guesses     BIGINT NOT NULL,
    PRIMARY KEY (user_id, contact)
);
CREATE TABLE contact_codes (
    contact       TEXT PRIMARY KEY,
    sent          BIGINT NOT NULL,
    window_start  BIGINT NOT NULL
);
