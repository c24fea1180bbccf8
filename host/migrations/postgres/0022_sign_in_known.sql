-- Addresses an account has signed in from: its owner is never held back there by failures that
-- strangers caused from elsewhere.
CREATE TABLE sign_in_known (
    subject  TEXT PRIMARY KEY,
    last_at  BIGINT NOT NULL
);
