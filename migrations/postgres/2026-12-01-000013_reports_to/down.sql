DROP INDEX users_reports_to;
ALTER TABLE users DROP COLUMN reports_to;
