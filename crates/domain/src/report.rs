//! Work reports (R-REP-1..3): when a daily report may be filed and changed.

use chrono::{Datelike, NaiveDate};

/// Why a daily report cannot be filed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DailyRefusal {
    /// Its day is over: the report is immutable (a manager records a late note beside it).
    #[error("the day is over: its report can no longer be filed or changed")]
    DayOver,
    /// A report is written on its day, not ahead of it.
    #[error("a report is written on its day, not before")]
    DayToCome,
}

/// R-REP-1: a daily report is filed and edited by its author on its own day only, in the
/// company's time zone (`today`); after that it is immutable.
pub fn check_daily(today: NaiveDate, day: NaiveDate) -> Result<(), DailyRefusal> {
    if day < today {
        Err(DailyRefusal::DayOver)
    } else if day > today {
        Err(DailyRefusal::DayToCome)
    } else {
        Ok(())
    }
}

/// Why a monthly summary cannot be filed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MonthlyRefusal {
    /// Filed from the month's last working day on.
    #[error("the monthly summary is filed from the month's last working day, {opens}")]
    TooEarly { opens: NaiveDate },
    /// The month's summaries are closed: immutable.
    #[error("the month's summaries closed after {closed_after}: the summary can no longer be filed or changed")]
    Closed { closed_after: NaiveDate },
}

/// The days a month's summary may be filed and changed: from its last working day through the
/// `close_day`th day of the next month (company time), both included.
pub fn monthly_window(
    month_first: NaiveDate,
    last_working_day: NaiveDate,
    close_day: u32,
) -> (NaiveDate, NaiveDate) {
    let next = month_first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    let closes = next.with_day(close_day.clamp(1, 28)).unwrap_or(next);
    (last_working_day, closes)
}

/// R-REP-2: a monthly summary is filed on the month's last working day or later, and is
/// immutable once the window closes.
pub fn check_monthly(
    today: NaiveDate,
    (opens, closes): (NaiveDate, NaiveDate),
) -> Result<(), MonthlyRefusal> {
    if today < opens {
        Err(MonthlyRefusal::TooEarly { opens })
    } else if today > closes {
        Err(MonthlyRefusal::Closed {
            closed_after: closes,
        })
    } else {
        Ok(())
    }
}

/// The period a statement covers (R-REP-5): on Mondays the week before, on the 1st the month
/// before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementPeriod {
    Week,
    Month,
}

impl StatementPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementPeriod::Week => "week",
            StatementPeriod::Month => "month",
        }
    }

    /// The last complete period before `today`: the Monday-to-Sunday week before this one, or
    /// the calendar month before this one. Both days included.
    pub fn last_before(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            StatementPeriod::Week => {
                let monday =
                    today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
                (monday - chrono::Days::new(7), monday - chrono::Days::new(1))
            }
            StatementPeriod::Month => {
                let first = today.with_day(1).unwrap_or(today);
                let end = first.pred_opt().unwrap_or(first);
                (end.with_day(1).unwrap_or(end), end)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn r_rep_1_a_daily_report_is_written_on_its_day_and_immutable_after() {
        assert_eq!(check_daily(d("2026-12-01"), d("2026-12-01")), Ok(()));
        assert_eq!(
            check_daily(d("2026-12-02"), d("2026-12-01")),
            Err(DailyRefusal::DayOver)
        );
        assert_eq!(
            check_daily(d("2026-12-01"), d("2026-12-02")),
            Err(DailyRefusal::DayToCome)
        );
    }

    #[test]
    fn r_rep_2_the_monthly_summary_opens_on_the_last_working_day_and_closes_after_the_5th() {
        // November 2026 ends on a Monday, its last working day.
        let w = monthly_window(d("2026-11-01"), d("2026-11-30"), 5);
        assert_eq!(w, (d("2026-11-30"), d("2026-12-05")));
        assert_eq!(
            check_monthly(d("2026-11-27"), w),
            Err(MonthlyRefusal::TooEarly {
                opens: d("2026-11-30")
            })
        );
        assert_eq!(check_monthly(d("2026-11-30"), w), Ok(()));
        assert_eq!(check_monthly(d("2026-12-05"), w), Ok(()));
        assert_eq!(
            check_monthly(d("2026-12-06"), w),
            Err(MonthlyRefusal::Closed {
                closed_after: d("2026-12-05")
            })
        );
        // A December ending on a Thursday, closing day 3 of January.
        assert_eq!(
            monthly_window(d("2026-12-01"), d("2026-12-31"), 3),
            (d("2026-12-31"), d("2027-01-03"))
        );
    }

    #[test]
    fn r_rep_5_statements_cover_the_week_or_month_before() {
        // Monday 30 November: the week of the 23rd.
        assert_eq!(
            StatementPeriod::Week.last_before(d("2026-11-30")),
            (d("2026-11-23"), d("2026-11-29"))
        );
        // Any day of that week gives the same week before it.
        assert_eq!(
            StatementPeriod::Week.last_before(d("2026-12-06")),
            (d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            StatementPeriod::Month.last_before(d("2026-12-01")),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            StatementPeriod::Month.last_before(d("2027-01-15")),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }
}
