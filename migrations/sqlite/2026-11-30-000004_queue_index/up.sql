-- The queue sorted by contact deadline reads rows in index order, tie-breaker included: many
-- orders share one deadline when they are imported together, and without the order id in the
-- index each page needed a temporary sort of all of them.
DROP INDEX order_status_queue;
CREATE INDEX order_status_queue ON order_status (status, contact_due_at, order_id);
CREATE INDEX order_status_due ON order_status (contact_due_at, order_id);
