//! Page revisions (改版, R-APR-6): the shop's home page is reviewed or revised every two weeks or
//! every month; each revision is a plan document that passes its approval chain (department
//! manager, then marketing director) before it is carried out.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How often a page is revised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Biweekly,
    Monthly,
}

impl Cadence {
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Biweekly => "biweekly",
            Cadence::Monthly => "monthly",
        }
    }

    /// The day the next revision is due after one carried out on `last`. A monthly revision on
    /// the 31st falls due on the last day of a shorter month.
    pub fn next_due(self, last: NaiveDate) -> NaiveDate {
        match self {
            Cadence::Biweekly => last + chrono::Days::new(14),
            Cadence::Monthly => last
                .checked_add_months(Months::new(1))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

impl FromStr for Cadence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "biweekly" => Ok(Cadence::Biweekly),
            "monthly" => Ok(Cadence::Monthly),
            other => Err(format!("unknown cadence `{other}`: biweekly or monthly")),
        }
    }
}

/// What a revision changes (the rule book names animation, colours and the combination of
/// sections; banners, layout and copy are the other parts a designer touches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Animation,
    Colors,
    Sections,
    Banners,
    Layout,
    Copy,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::Animation,
        Area::Colors,
        Area::Sections,
        Area::Banners,
        Area::Layout,
        Area::Copy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Animation => "animation",
            Area::Colors => "colors",
            Area::Sections => "sections",
            Area::Banners => "banners",
            Area::Layout => "layout",
            Area::Copy => "copy",
        }
    }
}

impl FromStr for Area {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Area::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown area `{s}`"))
    }
}

/// Where a revision plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    /// Filed, waiting for its chain.
    Pending,
    /// Approved: may be carried out.
    Approved,
    Rejected,
    Withdrawn,
    /// Carried out on the live page.
    Executed,
}

impl RevisionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionStatus::Pending => "pending",
            RevisionStatus::Approved => "approved",
            RevisionStatus::Rejected => "rejected",
            RevisionStatus::Withdrawn => "withdrawn",
            RevisionStatus::Executed => "executed",
        }
    }

    /// R-APR-6: only an approved plan is carried out, and only once.
    pub fn execute(self) -> Result<RevisionStatus, String> {
        match self {
            RevisionStatus::Approved => Ok(RevisionStatus::Executed),
            RevisionStatus::Pending => {
                Err("the plan has not passed its approval chain yet".to_owned())
            }
            RevisionStatus::Executed => Err("the plan was already carried out".to_owned()),
            other => Err(format!(
                "a {} plan is never carried out: file a new one",
                other.as_str()
            )),
        }
    }
}

impl FromStr for RevisionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "pending" => RevisionStatus::Pending,
            "approved" => RevisionStatus::Approved,
            "rejected" => RevisionStatus::Rejected,
            "withdrawn" => RevisionStatus::Withdrawn,
            "executed" => RevisionStatus::Executed,
            other => return Err(format!("unknown revision status `{other}`")),
        })
    }
}

impl fmt::Display for RevisionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A page's revision rhythm as of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The day the next revision is due; `today` when the page was never revised.
    pub next_due: NaiveDate,
    /// Whole days past `next_due` (0 when not overdue).
    pub days_overdue: i64,
}

/// When a page's next revision is due, given the day its last one was carried out.
pub fn schedule(cadence: Cadence, last_executed: Option<NaiveDate>, today: NaiveDate) -> Schedule {
    let next_due = last_executed.map_or(today, |d| cadence.next_due(d));
    Schedule {
        next_due,
        days_overdue: (today - next_due).num_days().max(0),
    }
}

/// Checks a plan's planned day: not in the past, and within a year.
pub fn check_planned_for(planned_for: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if planned_for < today {
        return Err(format!("{planned_for} is in the past"));
    }
    if planned_for.year() > today.year() + 1 {
        return Err("plan at most a year ahead".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn r_apr_6_revisions_fall_due_every_two_weeks_or_every_month() {
        assert_eq!(Cadence::Biweekly.next_due(d(2026, 11, 23)), d(2026, 12, 7));
        assert_eq!(Cadence::Monthly.next_due(d(2026, 11, 23)), d(2026, 12, 23));
        assert_eq!(Cadence::Monthly.next_due(d(2027, 1, 31)), d(2027, 2, 28));
        assert_eq!(Cadence::Monthly.next_due(d(2028, 1, 31)), d(2028, 2, 29));
    }

    #[test]
    fn r_apr_6_schedule_counts_days_overdue() {
        let s = schedule(Cadence::Biweekly, Some(d(2026, 11, 1)), d(2026, 11, 20));
        assert_eq!(s.next_due, d(2026, 11, 15));
        assert_eq!(s.days_overdue, 5);
        let s = schedule(Cadence::Monthly, Some(d(2026, 11, 1)), d(2026, 11, 20));
        assert_eq!((s.next_due, s.days_overdue), (d(2026, 12, 1), 0));
        // Never revised: due now.
        let s = schedule(Cadence::Monthly, None, d(2026, 11, 20));
        assert_eq!((s.next_due, s.days_overdue), (d(2026, 11, 20), 0));
    }

    #[test]
    fn r_apr_6_only_an_approved_plan_is_carried_out_once() {
        assert_eq!(
            RevisionStatus::Approved.execute(),
            Ok(RevisionStatus::Executed)
        );
        for s in [
            RevisionStatus::Pending,
            RevisionStatus::Rejected,
            RevisionStatus::Withdrawn,
            RevisionStatus::Executed,
        ] {
            assert!(s.execute().is_err(), "{s}");
        }
    }

    #[test]
    fn planned_day_is_neither_past_nor_far_ahead() {
        let today = d(2026, 11, 23);
        assert!(check_planned_for(today, today).is_ok());
        assert!(check_planned_for(d(2026, 11, 22), today).is_err());
        assert!(check_planned_for(d(2028, 1, 1), today).is_err());
    }

    #[test]
    fn names_round_trip() {
        for a in Area::ALL {
            assert_eq!(a.as_str().parse::<Area>(), Ok(a));
        }
        for c in [Cadence::Biweekly, Cadence::Monthly] {
            assert_eq!(c.as_str().parse::<Cadence>(), Ok(c));
        }
        assert!("weekly".parse::<Cadence>().is_err());
    }
}
