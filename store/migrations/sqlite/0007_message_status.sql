-- The request's status when a message was written, so a follower's history shows each message with
-- the status it was written under, not the request's status today.
ALTER TABLE case_messages ADD COLUMN case_status TEXT;
