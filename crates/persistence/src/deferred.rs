//! What a write transaction defers to its end: its audit entries (written chained, R-SEC-4) and
//! its outbox events (written in commit order). Both are held per connection while the work runs
//! and written by `db::write_tx` just before the commit, each under its own lock: the audit
//! chain's first, then the feed's. Every transaction takes them in that order and after all its
//! other locks, so they never close a cycle (keep the order).

use crate::repo::{audit, outbox};
use crate::AnyConnection;
use std::cell::RefCell;
use std::collections::HashMap;

/// The deferred writes of one open write transaction.
#[derive(Default)]
pub(crate) struct Deferred {
    pub(crate) audit: Vec<audit::Pending>,
    pub(crate) outbox: Vec<outbox::Pending>,
}

/// One deferred write.
pub(crate) enum Item {
    Audit(audit::Pending),
    Outbox(outbox::Pending),
}

thread_local! {
    /// The deferred writes of each open write transaction on this thread, by connection.
    static BUFFERS: RefCell<HashMap<usize, Deferred>> = RefCell::new(HashMap::new());
}

fn conn_key(conn: &AnyConnection) -> usize {
    conn as *const AnyConnection as usize
}

/// Holds `item` for the write transaction open on `conn`; gives it back when none is open (the
/// caller then writes it in a transaction of its own).
pub(crate) fn hold(conn: &AnyConnection, item: Item) -> Option<Item> {
    let key = conn_key(conn);
    BUFFERS.with(|b| match b.borrow_mut().get_mut(&key) {
        Some(d) => {
            match item {
                Item::Audit(p) => d.audit.push(p),
                Item::Outbox(p) => d.outbox.push(p),
            }
            None
        }
        None => Some(item),
    })
}

/// The deferred writes of one write transaction, collected while it runs. Dropped, it forgets
/// them (a transaction that failed or panicked leaves nothing behind).
pub(crate) struct Buffer(Option<usize>);

impl Buffer {
    /// Starts collecting for `conn`, unless an enclosing transaction on it already does.
    pub(crate) fn open(conn: &AnyConnection) -> Buffer {
        let key = conn_key(conn);
        let opened = BUFFERS.with(|b| match b.borrow_mut().entry(key) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Deferred::default());
                true
            }
        });
        Buffer(opened.then_some(key))
    }

    /// What was collected, for the owner of the buffer (nothing for a nested one).
    pub(crate) fn take(&mut self) -> Deferred {
        match self.0.take() {
            Some(key) => BUFFERS.with(|b| b.borrow_mut().remove(&key).unwrap_or_default()),
            None => Deferred::default(),
        }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        self.take();
    }
}
