//! Who counts as staff for the rules that name a person (handover, rosters).

use crate::error::{AppError, AppResult};
use ecops_persistence::repo::users::{self, User};
use ecops_persistence::AnyConnection;
use uuid::Uuid;

/// An active staff account (not a service or external account) with this id, or a refusal of
/// `field`.
pub fn active(conn: &mut AnyConnection, id: Uuid, field: &str) -> AppResult<User> {
    users::find(conn, id)?
        .filter(|u| u.is_active() && !u.is_special)
        .ok_or_else(|| AppError::invalid(field, "no active staff member has this id"))
}

/// The lock scope of one person's calendar: leave and duty shifts of a person are checked and
/// written one transaction at a time (R-ATT-8 no overlapping leave, R-DUT-4 no shift during
/// leave, no double booking).
pub const CALENDAR: &str = "calendar";
