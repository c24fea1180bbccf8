-- Addresses an account has signed in from: its owner is never held back there by failures that
-- strangers caused from elsewhere.
CREATE TABLE sign_in_known (
    subject  TEXT PRIMARY KEY,
    last_at  BIGINT NOT NULL
);
-- Subjects are kept as their sha256 from now on: the failures counted under plain addresses go.
DELETE FROM sign_in_failures;
