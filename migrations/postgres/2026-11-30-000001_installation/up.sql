-- The installation: when this database began (the order-export history starts there), the account
-- created at first start, and when the first-run window for permission levels closed for good.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    created_at TIMESTAMP NOT NULL,
    bootstrap_admin_id TEXT REFERENCES users (id),
    bootstrap_closed_at TIMESTAMP
);

-- A database that already has accounts began with its first one; its first-run window stays
-- closed if a permission level was ever changed through an approval.
INSERT INTO installation (id, created_at, bootstrap_admin_id, bootstrap_closed_at)
SELECT 1,
       MIN(u.created_at),
       (SELECT a.id FROM users a WHERE a.username = 'admin'),
       (SELECT MIN(r.decided_at) FROM approval_requests r
         WHERE r.kind = 'permission_level' AND r.state = 'approved')
FROM users u
HAVING COUNT(*) > 0;
