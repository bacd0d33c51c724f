//! The tokens of the current login, kept in the browser's local storage.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const KEY: &str = "ecops.session";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    #[serde(default)]
    pub password_expired: bool,
}

pub fn load() -> Option<Tokens> {
    LocalStorage::get(KEY).ok()
}

pub fn store(tokens: &Tokens) {
    let _ = LocalStorage::set(KEY, tokens);
}

pub fn clear() {
    LocalStorage::delete(KEY);
}

pub fn password_expired() -> bool {
    load().is_some_and(|t| t.password_expired)
}
