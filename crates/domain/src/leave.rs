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
    /// A kind the policy allows after the fact, filed later than its number of days.
    TooLate(u32),
    EndsBeforeStart,
    TooLong,
    OwnHandover,
}

impl LeaveRefusal {
    pub fn field(self) -> &'static str {
        match self {
            LeaveRefusal::NotInAdvance | LeaveRefusal::TooLate(_) => "starts_at",
            LeaveRefusal::EndsBeforeStart | LeaveRefusal::TooLong => "ends_at",
            LeaveRefusal::OwnHandover => "handover_to",
        }
    }

    pub fn message(self) -> String {
        match self {
            LeaveRefusal::NotInAdvance => {
                "leave is asked for in advance: it must start later than now".to_owned()
            }
            LeaveRefusal::TooLate(days) => format!(
                "this kind of leave may be filed after it began, but within {days} days of its start"
            ),
            LeaveRefusal::EndsBeforeStart => "must be after starts_at".to_owned(),
            LeaveRefusal::TooLong => format!("one request covers at most {MAX_DAYS} days"),
            LeaveRefusal::OwnHandover => "the work is handed over to someone else".to_owned(),
        }
    }
}

/// For a kind the policy allows after the fact: its number of days (`after_the_fact_days`),
/// today and the leave's first day, both in the company's time zone. Days count by the
/// calendar: sick leave from a Friday filed on the Monday is three days late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterTheFact {
    pub days: u32,
    pub today: chrono::NaiveDate,
    pub first_day: chrono::NaiveDate,
}

/// R-ATT-8: judges a request by `person` for `[starts_at, ends_at)` handed over to `handover_to`,
/// asked at `now`. Leave is asked in advance, except the kinds the policy allows after the fact
/// (sick leave by default), filed within its number of days of the leave's start.
pub fn check_request(
    now: DateTime<Utc>,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
    person: Uuid,
    handover_to: Uuid,
    after_the_fact: Option<AfterTheFact>,
) -> Result<(), LeaveRefusal> {
    if starts_at <= now {
        match after_the_fact {
            None => return Err(LeaveRefusal::NotInAdvance),
            Some(late) if (late.today - late.first_day).num_days() > i64::from(late.days) => {
                return Err(LeaveRefusal::TooLate(late.days))
            }
            Some(_) => {}
        }
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
        let check = |s, e, h| check_request(now, (s, e), me, h, None);
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

    #[test]
    fn r_att_8_sick_leave_may_be_filed_after_it_began_within_the_policys_days() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let today = now.date_naive();
        let (me, colleague) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let day = Duration::days(1);
        let sick = |days_ago: i32| {
            let s = now - day * days_ago;
            let late = AfterTheFact {
                days: 3,
                today,
                first_day: s.date_naive(),
            };
            check_request(now, (s, s + day), me, colleague, Some(late))
        };
        assert_eq!(sick(2), Ok(()), "two days ago, within three");
        assert_eq!(sick(3), Ok(()), "the third day still counts");
        assert_eq!(
            sick(4),
            Err(LeaveRefusal::TooLate(3)),
            "too late even for sick leave"
        );
        assert_eq!(
            check_request(now, (now - day, now), me, colleague, None),
            Err(LeaveRefusal::NotInAdvance),
            "personal leave is asked in advance"
        );
    }
}
