//! Work reports (R-REP-1..3): when a daily report may be filed and changed.

use chrono::NaiveDate;

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
}
