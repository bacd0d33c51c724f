//! The current login, held in memory only: the access token never touches `localStorage` or
//! `sessionStorage`. The refresh token is an `HttpOnly` cookie this code cannot read; a reload
//! starts by trading it for a new access token.

use std::cell::RefCell;

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub password_expired: bool,
    /// When the access token runs out, in milliseconds since the epoch (browser clock).
    pub expires_at_ms: f64,
    /// Its lifetime in milliseconds.
    pub ttl_ms: f64,
}

thread_local! {
    static CURRENT: RefCell<Option<Tokens>> = const { RefCell::new(None) };
}

pub fn load() -> Option<Tokens> {
    CURRENT.with(|c| c.borrow().clone())
}

pub fn store(tokens: Tokens) {
    CURRENT.with(|c| *c.borrow_mut() = Some(tokens));
}

pub fn clear() {
    CURRENT.with(|c| *c.borrow_mut() = None);
}

pub fn password_expired() -> bool {
    load().is_some_and(|t| t.password_expired)
}

/// Whether the access token runs out soon: within 30 s, or the last quarter of a shorter life.
pub fn expiring() -> bool {
    load().is_some_and(|t| {
        let margin = (t.ttl_ms / 4.0).min(30_000.0);
        t.expires_at_ms - js_sys::Date::now() < margin
    })
}
