-- Delegation while on leave: a decision taken by the colleague a leave names as taking over
-- records on whose behalf it was taken.
ALTER TABLE approval_decisions ADD COLUMN on_behalf_of TEXT REFERENCES users (id);
-- A leave approved after the roster was made releases the person's clashing shifts: the shift
-- is cancelled, and this names the leave, so the roster lists it as a clash to fill.
ALTER TABLE duty_shifts ADD COLUMN released_for_leave TEXT REFERENCES leave_requests (id);
CREATE INDEX duty_shifts_released ON duty_shifts (released_for_leave) WHERE released_for_leave IS NOT NULL;
