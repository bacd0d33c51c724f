//! Leave requests (R-ATT-8): asked for in advance, for at most 31 days, with the work handed over
//! to someone else.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The longest leave one request may cover, in days.
pub const MAX_DAYS: i64 = 31;

/// Why a leave request is refused, with the field it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveRefusal {
    NotInAdvance,
    EndsBeforeStart,
    TooLong,
    OwnHandover,
}

impl LeaveRefusal {
    pub fn field(self) -> &'static str {
        match self {
            LeaveRefusal::NotInAdvance => "starts_at",
            LeaveRefusal::EndsBeforeStart | LeaveRefusal::TooLong => "ends_at",
            LeaveRefusal::OwnHandover => "handover_to",
        }
    }

    pub fn message(self) -> String {
        match self {
            LeaveRefusal::NotInAdvance => {
                "leave is asked for in advance: it must start later than now".to_owned()
            }
            LeaveRefusal::EndsBeforeStart => "must be after starts_at".to_owned(),
            LeaveRefusal::TooLong => format!("one request covers at most {MAX_DAYS} days"),
            LeaveRefusal::OwnHandover => "the work is handed over to someone else".to_owned(),
        }
    }
}

/// R-ATT-8: judges a request by `person` for `[starts_at, ends_at)` handed over to `handover_to`,
/// asked at `now`.
pub fn check_request(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    person: Uuid,
    handover_to: Uuid,
) -> Result<(), LeaveRefusal> {
    if starts_at <= now {
        return Err(LeaveRefusal::NotInAdvance);
    }
    if ends_at <= starts_at {
        return Err(LeaveRefusal::EndsBeforeStart);
    }
    if ends_at - starts_at > Duration::days(MAX_DAYS) {
        return Err(LeaveRefusal::TooLong);
    }
    if handover_to == person {
        return Err(LeaveRefusal::OwnHandover);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_att_8_leave_is_asked_in_advance_for_at_most_31_days_and_handed_over() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let (me, colleague) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let day = Duration::days(1);
        let check = |s, e, h| check_request(now, s, e, me, h);
        assert_eq!(check(now + day, now + day * 2, colleague), Ok(()));
        assert_eq!(
            check(now, now + day, colleague),
            Err(LeaveRefusal::NotInAdvance)
        );
        assert_eq!(
            check(now + day, now + day, colleague),
            Err(LeaveRefusal::EndsBeforeStart)
        );
        assert_eq!(
            check(now + day, now + day * 32, colleague),
            Ok(()),
            "31 days exactly is allowed"
        );
        assert_eq!(
            check(now + day, now + day * 32 + Duration::seconds(1), colleague),
            Err(LeaveRefusal::TooLong)
        );
        assert_eq!(
            check(now + day, now + day * 2, me),
            Err(LeaveRefusal::OwnHandover)
        );
        assert_eq!(LeaveRefusal::OwnHandover.field(), "handover_to");
    }
}
