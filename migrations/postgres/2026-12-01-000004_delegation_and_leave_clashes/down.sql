DROP INDEX duty_shifts_released;
ALTER TABLE duty_shifts DROP COLUMN released_for_leave;
ALTER TABLE approval_decisions DROP COLUMN on_behalf_of;
