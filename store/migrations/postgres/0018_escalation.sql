-- When an overdue case was escalated to its department's lead (once per case).
ALTER TABLE cases ADD COLUMN escalated_at BIGINT;
CREATE INDEX cases_due ON cases (due_at);
