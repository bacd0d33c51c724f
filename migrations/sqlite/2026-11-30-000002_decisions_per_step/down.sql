DROP TRIGGER approval_decisions_no_update;
DROP TRIGGER approval_decisions_no_delete;
DROP INDEX approval_decisions_decider;
CREATE TABLE approval_decisions_old (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES approval_requests (id),
    step_index INTEGER NOT NULL,
    role TEXT NOT NULL,
    decider_id TEXT NOT NULL REFERENCES users (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
    comment TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, step_index, role),
    UNIQUE (request_id, decider_id)
);
INSERT INTO approval_decisions_old
SELECT id, request_id, step_index, role, decider_id, verdict, comment, decided_at FROM approval_decisions;
DROP TABLE approval_decisions;
ALTER TABLE approval_decisions_old RENAME TO approval_decisions;
CREATE TRIGGER approval_decisions_no_update BEFORE UPDATE ON approval_decisions
BEGIN
    SELECT RAISE(ABORT, 'approval decisions are final');
END;
CREATE TRIGGER approval_decisions_no_delete BEFORE DELETE ON approval_decisions
BEGIN
    SELECT RAISE(ABORT, 'approval decisions are final');
END;
