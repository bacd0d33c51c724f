-- R-EVAL-1: every staff member's direct manager (the org chart: manager → supervisors →
-- specialists). No cycles: the use case checks the chain under a lock.
ALTER TABLE users ADD COLUMN reports_to TEXT REFERENCES users (id);
CREATE INDEX users_reports_to ON users (reports_to);
