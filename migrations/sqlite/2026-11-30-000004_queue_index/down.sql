DROP INDEX order_status_due;
DROP INDEX order_status_queue;
CREATE INDEX order_status_queue ON order_status (status, contact_due_at);
