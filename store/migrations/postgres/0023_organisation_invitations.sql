-- A representative joins an organisation only by accepting its owner's invitation, addressed to
-- an e-mail address the invitee proved; the owner learns nothing of the address until then.
CREATE TABLE organisation_invitations (
    city             TEXT NOT NULL,
    organisation_id  BIGINT NOT NULL,
    email            TEXT NOT NULL,
    invited_at       BIGINT NOT NULL,
    PRIMARY KEY (city, organisation_id, email)
);
