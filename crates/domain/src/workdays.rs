//! Which policy judges a day and whether the day is a working day at all: attendance policy
//! versions effective from a day, the working-day calendar (public holidays, make-up working
//! days), employment dates and the months that are closed.

use crate::attendance::AttendancePolicy;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar entry's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// A public holiday: not a working day whatever the weekday.
    Holiday,
    /// A make-up working day (调休上班): a working day whatever the weekday.
    Workday,
}

/// A day the calendar marks against the policy's weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub day: NaiveDate,
    pub kind: CalendarKind,
    pub name: String,
}

/// What kind of day a date is for attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// One of the policy's working weekdays.
    Working,
    /// A make-up working day named in the calendar.
    MakeUpWorkday,
    /// Not one of the policy's working weekdays.
    RestDay,
    /// A public holiday named in the calendar.
    Holiday,
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::MakeUpWorkday)
    }
}

/// The kind of `day` under `policy`, the calendar's entry for the day (if any) deciding over
/// the weekday.
pub fn day_kind(
    policy: &AttendancePolicy,
    entry: Option<&CalendarEntry>,
    day: NaiveDate,
) -> DayKind {
    match entry.map(|e| e.kind) {
        Some(CalendarKind::Holiday) => DayKind::Holiday,
        Some(CalendarKind::Workday) => DayKind::MakeUpWorkday,
        None if policy.working_weekdays.contains(&day.weekday()) => DayKind::Working,
        None => DayKind::RestDay,
    }
}

/// One version of the policy: it judges the days from `effective_from` (inclusive) until the
/// next version's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion<Id> {
    pub id: Id,
    pub effective_from: NaiveDate,
    /// IANA name of the company time zone under this version.
    pub timezone: String,
    pub policy: AttendancePolicy,
}

/// The versions in force over time, ordered by their first day.
#[derive(Debug, Clone)]
pub struct Versions<Id>(Vec<PolicyVersion<Id>>);

impl<Id> Versions<Id> {
    /// `None` when there is no version at all.
    pub fn new(mut versions: Vec<PolicyVersion<Id>>) -> Option<Self> {
        versions.sort_by_key(|v| v.effective_from);
        (!versions.is_empty()).then_some(Versions(versions))
    }

    /// The version that judges `day`: the last one effective on or before it (the first one for
    /// days before any, so an early device file is still judged).
    pub fn on(&self, day: NaiveDate) -> &PolicyVersion<Id> {
        let i = self.0.partition_point(|v| v.effective_from <= day);
        &self.0[i.saturating_sub(1)]
    }

    pub fn all(&self) -> &[PolicyVersion<Id>] {
        &self.0
    }
}

/// Why a new policy version is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRefusal {
    /// It would re-judge days that have begun: a version takes effect tomorrow at the earliest.
    NotInFuture,
    /// It falls in a month already closed.
    InClosedMonth,
}

/// A new version may only take effect after `today` (so no day already begun is judged again)
/// and after the last closed month.
pub fn check_new_version(
    effective_from: NaiveDate,
    today: NaiveDate,
    last_closed: Option<Month>,
) -> Result<(), VersionRefusal> {
    if last_closed.is_some_and(|m| effective_from < m.next().first()) {
        return Err(VersionRefusal::InClosedMonth);
    }
    if effective_from <= today {
        return Err(VersionRefusal::NotInFuture);
    }
    Ok(())
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// `YYYY-MM`.
    pub fn parse(label: &str) -> Option<Month> {
        if label.len() != 7 {
            return None;
        }
        NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d")
            .ok()
            .map(|first| Month { first })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    pub fn next(self) -> Month {
        Month {
            first: self
                .first
                .checked_add_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    pub fn previous(self) -> Month {
        Month {
            first: self
                .first
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    /// Every day of the month.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let next = self.next().first;
        self.first.iter_days().take_while(move |d| *d < next)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Month::of(day) == self
    }

    pub fn label(self) -> String {
        self.first.format("%Y-%m").to_string()
    }
}

/// Why a month cannot be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingRefusal {
    /// The month has not ended yet.
    NotOver,
    /// The month before it is still open (months close in order).
    EarlierOpen,
    /// It is closed already.
    AlreadyClosed,
}

/// Months close in order, once they are over: `last_closed` is the latest closed month, if any.
pub fn check_closing(
    month: Month,
    today: NaiveDate,
    last_closed: Option<Month>,
) -> Result<(), ClosingRefusal> {
    if today < month.next().first() {
        return Err(ClosingRefusal::NotOver);
    }
    match last_closed {
        Some(last) if month <= last => Err(ClosingRefusal::AlreadyClosed),
        Some(last) if last.next() != month => Err(ClosingRefusal::EarlierOpen),
        _ => Ok(()),
    }
}

/// Whether someone employed from `started_on` to `ended_on` (inclusive) works on `day`.
pub fn employed_on(started_on: NaiveDate, ended_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    day >= started_on && ended_on.is_none_or(|end| day <= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::{self, DayRecord};
    use crate::StaffLevel;
    use chrono::NaiveTime;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    fn version(id: u8, from: &str, start: NaiveTime) -> PolicyVersion<u8> {
        PolicyVersion {
            id,
            effective_from: d(from),
            timezone: "Asia/Shanghai".into(),
            policy: AttendancePolicy {
                start,
                ..AttendancePolicy::default()
            },
        }
    }

    #[test]
    fn r_att_1_a_policy_change_on_the_15th_leaves_the_1st_to_the_14th_as_they_were() {
        let versions = Versions::new(vec![
            version(2, "2026-12-15", t(9, 0)),
            version(1, "1970-01-01", t(8, 0)),
        ])
        .unwrap_or_else(|| unreachable!());
        // The same 08:30 clock-in: absent under the old 08:00 start (over 30 minutes late), on
        // time under the new 09:00 one.
        let record = DayRecord {
            clock_in: Some(t(8, 31)),
            clock_out: Some(t(17, 30)),
            ..DayRecord::default()
        };
        let judge = |day: &str| {
            let v = versions.on(d(day));
            (
                v.id,
                attendance::judge_day(&v.policy, StaffLevel::P, 800_000, &record),
            )
        };
        let (id, before) = judge("2026-12-14");
        assert_eq!(id, 1);
        assert!(before.absent);
        let (id, after) = judge("2026-12-15");
        assert_eq!(id, 2);
        assert!(!after.absent);
        assert_eq!(after.deduction_fen, 0);
        // A day before the first version is judged by the first.
        assert_eq!(versions.on(d("1969-06-01")).id, 1);
    }

    #[test]
    fn r_att_1_a_new_version_takes_effect_tomorrow_at_the_earliest_and_never_in_a_closed_month() {
        let today = d("2026-12-10");
        assert_eq!(
            check_new_version(d("2026-12-10"), today, None),
            Err(VersionRefusal::NotInFuture)
        );
        assert_eq!(check_new_version(d("2026-12-11"), today, None), Ok(()));
        let closed = Month::parse("2026-12");
        assert_eq!(
            check_new_version(d("2026-12-20"), today, closed),
            Err(VersionRefusal::InClosedMonth)
        );
        assert_eq!(check_new_version(d("2027-01-01"), today, closed), Ok(()));
    }

    #[test]
    fn r_att_5_a_public_holiday_is_not_a_working_day_and_a_make_up_saturday_is() {
        let p = AttendancePolicy::default();
        let holiday = CalendarEntry {
            day: d("2026-10-01"),
            kind: CalendarKind::Holiday,
            name: "国庆节".into(),
        };
        // Thursday 1 October 2026 is a weekday.
        assert_eq!(day_kind(&p, None, d("2026-10-01")), DayKind::Working);
        assert_eq!(
            day_kind(&p, Some(&holiday), d("2026-10-01")),
            DayKind::Holiday
        );
        assert!(!DayKind::Holiday.is_working());
        let make_up = CalendarEntry {
            day: d("2026-10-10"),
            kind: CalendarKind::Workday,
            name: "调休上班".into(),
        };
        assert_eq!(day_kind(&p, None, d("2026-10-10")), DayKind::RestDay);
        let kind = day_kind(&p, Some(&make_up), d("2026-10-10"));
        assert_eq!(kind, DayKind::MakeUpWorkday);
        assert!(kind.is_working());
    }

    #[test]
    fn r_att_5_a_missing_clock_out_is_no_lapse_until_the_month_closes_and_the_manager_confirms() {
        let p = AttendancePolicy::default();
        let day = DayRecord {
            clock_in: Some(t(7, 55)),
            ..DayRecord::default()
        };
        let v = attendance::judge_day(&p, StaffLevel::P, 800_000, &day);
        assert!(v.missing_punch);
        assert!(!v.absent, "not an absence while it may be corrected");
        assert_eq!(v.departure, None, "not an early leave either");
        assert_eq!(v.deduction_fen, 0);
        assert_eq!(attendance::settle(&p, 800_000, &v, false), v);
        let settled = attendance::settle(&p, 800_000, &v, true);
        assert!(settled.absent);
        assert_eq!(settled.deduction_fen, 110_345);
        let lenient = AttendancePolicy {
            missing_punch: attendance::MissingPunchRule::JudgedByPunches,
            ..AttendancePolicy::default()
        };
        assert_eq!(attendance::settle(&lenient, 800_000, &v, true), v);
    }

    #[test]
    fn months_close_in_order_once_over() {
        let nov = Month::parse("2026-11").unwrap_or_else(|| unreachable!());
        assert_eq!(
            check_closing(nov, d("2026-11-30"), None),
            Err(ClosingRefusal::NotOver)
        );
        assert_eq!(check_closing(nov, d("2026-12-01"), None), Ok(()));
        assert_eq!(
            check_closing(nov, d("2026-12-01"), Some(nov)),
            Err(ClosingRefusal::AlreadyClosed)
        );
        assert_eq!(
            check_closing(nov, d("2027-01-05"), Some(nov.previous().previous())),
            Err(ClosingRefusal::EarlierOpen)
        );
        assert_eq!(nov.days().count(), 30);
        assert_eq!(nov.next().label(), "2026-12");
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("2026-1"), None);
    }

    #[test]
    fn days_are_judged_from_the_start_date_to_the_end_date() {
        assert!(!employed_on(d("2026-11-16"), None, d("2026-11-15")));
        assert!(employed_on(d("2026-11-16"), None, d("2026-11-16")));
        assert!(employed_on(
            d("2026-11-16"),
            Some(d("2026-11-20")),
            d("2026-11-20")
        ));
        assert!(!employed_on(
            d("2026-11-16"),
            Some(d("2026-11-20")),
            d("2026-11-21")
        ));
    }
}
