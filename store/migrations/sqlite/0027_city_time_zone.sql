-- A city's time zone (an IANA name such as Europe/Rome): its pages, e-mails and quiet hours
-- follow its clock through summer time. Without one, the offset kept with the quiet hours holds.
ALTER TABLE cities ADD COLUMN time_zone TEXT;
