//! Attendance rules (R-ATT-1..6, R-ATT-8, R-ATT-9): judging a working day from its punches and
//! approved leave, the fines by tier and staff level, and the month's summary.
//!
//! Times are wall-clock times in the company time zone; the caller converts instants with the
//! zone of the policy in force. Money is in fen.

use crate::StaffLevel;
use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

/// One version of the attendance policy. The defaults are the rule book's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendancePolicy {
    /// R-ATT-1: start of the working day.
    pub start: NaiveTime,
    /// R-ATT-1: end of the working day.
    pub end: NaiveTime,
    /// R-ATT-2: a clock-in up to this many seconds after the start is on time (59: 08:00:59).
    pub late_grace_secs: u32,
    /// R-ATT-4: leaving at least this many seconds before the end is early (300: 17:25:00).
    pub early_threshold_secs: u32,
    /// R-ATT-3: upper bounds (inclusive, seconds late or early) of tiers 1, 2 and 3; beyond the
    /// last is absenteeism.
    pub tier_limits_secs: [u32; 3],
    /// R-ATT-3: deduction per occurrence by tier for P-level staff, fen.
    pub fines_p_fen: [i64; 3],
    /// R-ATT-3: deduction per occurrence by tier for M-level staff, fen.
    pub fines_m_fen: [i64; 3],
    /// R-ATT-5: an unapproved absence costs this many daily wages.
    pub absence_wage_multiple: i64,
    /// R-ATT-5: the daily wage is the monthly wage divided by this many working days, in
    /// hundredths (2175 = 21.75 days).
    pub working_days_per_month_hundredths: i64,
    /// The weekdays that are working days unless the calendar says otherwise.
    #[serde(default = "weekdays")]
    pub working_weekdays: Vec<Weekday>,
    /// What a day with a clock-in and no clock-out (or the reverse) becomes when its month is
    /// closed.
    #[serde(default)]
    pub missing_punch: MissingPunchRule,
    /// Leave kinds that may be filed after they began (sick leave by default) …
    #[serde(default = "after_the_fact_kinds")]
    pub after_the_fact_kinds: Vec<String>,
    /// … within this many days of their start.
    #[serde(default = "after_the_fact_days")]
    pub after_the_fact_days: u32,
}

fn weekdays() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

fn after_the_fact_kinds() -> Vec<String> {
    vec!["sick".to_owned()]
}

fn after_the_fact_days() -> u32 {
    3
}

/// What a missing clock-out (or clock-in) becomes once the month is closed. Until then the day
/// shows the missing punch and costs nothing for it: a correction may still come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPunchRule {
    /// Absenteeism (leaving the post without leave, R-ATT-5), but only once the department
    /// manager confirms it when closing the month.
    #[default]
    AbsenceOnConfirmation,
    /// Judged by the punch that is there; the missing one costs nothing.
    JudgedByPunches,
}

fn hms(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).unwrap_or(NaiveTime::MIN)
}

impl Default for AttendancePolicy {
    fn default() -> Self {
        AttendancePolicy {
            start: hms(8, 0, 0),
            end: hms(17, 30, 0),
            late_grace_secs: 59,
            early_threshold_secs: 300,
            tier_limits_secs: [600, 1200, 1800],
            fines_p_fen: [1_000, 2_000, 3_000],
            fines_m_fen: [3_000, 6_000, 9_000],
            absence_wage_multiple: 3,
            working_days_per_month_hundredths: 2175,
            working_weekdays: weekdays(),
            missing_punch: MissingPunchRule::default(),
            after_the_fact_kinds: after_the_fact_kinds(),
            after_the_fact_days: after_the_fact_days(),
        }
    }
}

/// What is wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub field: &'static str,
    pub message: String,
}

impl AttendancePolicy {
    /// Checks that the policy can judge a day: a day that ends after it starts, growing tiers,
    /// thresholds inside the day, non-negative money.
    pub fn check(&self) -> Result<(), PolicyError> {
        let err = |field, message: &str| {
            Err(PolicyError {
                field,
                message: message.to_owned(),
            })
        };
        if self.end <= self.start {
            return err("end", "the working day must end after it starts");
        }
        let [a, b, c] = self.tier_limits_secs;
        if !(self.late_grace_secs < a && a < b && b < c) {
            return err(
                "tier_limits_secs",
                "tiers must grow, and the first must exceed the grace period",
            );
        }
        if self.early_threshold_secs == 0 || self.early_threshold_secs > a {
            return err(
                "early_threshold_secs",
                "must be at least 1 second and at most the first tier",
            );
        }
        if i64::from(c) * 2 >= (self.end - self.start).num_seconds() {
            return err(
                "tier_limits_secs",
                "the tiers do not fit in the working day",
            );
        }
        if self
            .fines_p_fen
            .iter()
            .chain(&self.fines_m_fen)
            .any(|f| !(0..=100_000_000).contains(f))
        {
            return err("fines", "fines are between 0 and 1,000,000 yuan");
        }
        if !(0..=31).contains(&self.absence_wage_multiple) {
            return err("absence_wage_multiple", "must be between 0 and 31");
        }
        if !(100..=3100).contains(&self.working_days_per_month_hundredths) {
            return err(
                "working_days_per_month_hundredths",
                "must be between 1 and 31 days",
            );
        }
        let mut days = self.working_weekdays.clone();
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        if days.is_empty() || days.len() != self.working_weekdays.len() {
            return err(
                "working_weekdays",
                "name each working weekday once, at least one",
            );
        }
        if self.after_the_fact_days > 31 {
            return err("after_the_fact_days", "must be at most 31");
        }
        Ok(())
    }

    /// R-ATT-3: the deduction of one late arrival or early leave.
    pub fn fine_fen(&self, tier: Tier, level: StaffLevel) -> i64 {
        let fines = match level {
            StaffLevel::P => &self.fines_p_fen,
            StaffLevel::M => &self.fines_m_fen,
        };
        fines[tier.index()]
    }

    /// R-ATT-5: the deduction of one day of unapproved absence, rounded to the nearest fen.
    pub fn absence_deduction_fen(&self, monthly_wage_fen: i64) -> i64 {
        let num = i128::from(monthly_wage_fen) * i128::from(self.absence_wage_multiple) * 100;
        let den = i128::from(self.working_days_per_month_hundredths.max(1));
        i64::try_from((num + den / 2) / den).unwrap_or(i64::MAX)
    }

    fn tier_of(&self, secs: u32) -> Option<Tier> {
        let [a, b, c] = self.tier_limits_secs;
        match secs {
            s if s <= a => Some(Tier::One),
            s if s <= b => Some(Tier::Two),
            s if s <= c => Some(Tier::Three),
            _ => None,
        }
    }

    /// R-ATT-2/3/5: judges a clock-in against the (possibly leave-shifted) start. `phoned` is the
    /// manager-recorded notice that turns a late-by-over-30-minutes into the highest tier.
    pub fn arrival(&self, start: NaiveTime, punch: NaiveTime, phoned: bool) -> Arrival {
        let punch = whole_seconds(punch);
        let late = secs_between(start, punch);
        if late <= i64::from(self.late_grace_secs) {
            return Arrival::OnTime;
        }
        let by = u32::try_from(late).unwrap_or(u32::MAX);
        match self.tier_of(by) {
            Some(tier) => Arrival::Late { by_secs: by, tier },
            None if phoned => Arrival::Late {
                by_secs: by,
                tier: Tier::Three,
            },
            None => Arrival::Absent { by_secs: by },
        }
    }

    /// R-ATT-4/5: judges a clock-out against the (possibly leave-shifted) end.
    pub fn departure(&self, end: NaiveTime, punch: NaiveTime) -> Departure {
        let punch = whole_seconds(punch);
        let early = secs_between(punch, end);
        if early < i64::from(self.early_threshold_secs) {
            return Departure::OnTime;
        }
        let by = u32::try_from(early).unwrap_or(u32::MAX);
        match self.tier_of(by) {
            Some(tier) => Departure::Early { by_secs: by, tier },
            None => Departure::Absent { by_secs: by },
        }
    }
}

/// R-ATT-2: punch times count in whole seconds (08:00:59.999 is 08:00:59).
pub fn whole_seconds(t: NaiveTime) -> NaiveTime {
    t.with_nanosecond(0).unwrap_or(t)
}

fn secs_between(from: NaiveTime, to: NaiveTime) -> i64 {
    (to - from).num_seconds()
}

/// A lateness or early-leave tier of R-ATT-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Up to 10 minutes.
    One,
    /// Over 10, up to 20 minutes.
    Two,
    /// Over 20, up to 30 minutes.
    Three,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::One, Tier::Two, Tier::Three];

    pub fn index(self) -> usize {
        match self {
            Tier::One => 0,
            Tier::Two => 1,
            Tier::Three => 2,
        }
    }
}

/// How a clock-in is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Arrival {
    OnTime,
    Late {
        by_secs: u32,
        tier: Tier,
    },
    /// Late by more than the last tier without a notice: absenteeism (R-ATT-5).
    Absent {
        by_secs: u32,
    },
}

/// How a clock-out is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Departure {
    OnTime,
    Early {
        by_secs: u32,
        tier: Tier,
    },
    /// Left more than the last tier early without leave: absenteeism (R-ATT-5).
    Absent {
        by_secs: u32,
    },
}

/// One working day of one person, as the records show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayRecord {
    /// The earliest clock-in of the day.
    pub clock_in: Option<NaiveTime>,
    /// The latest clock-out of the day.
    pub clock_out: Option<NaiveTime>,
    /// Approved leave on this day, as wall-clock intervals `[from, to)`.
    pub leave: Vec<(NaiveTime, NaiveTime)>,
    /// The store manager recorded a telephone notice before the start (R-ATT-5).
    pub phoned_ahead: bool,
}

/// The verdict on one working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayVerdict {
    /// Approved leave covers the whole working day.
    pub on_leave: bool,
    pub arrival: Option<Arrival>,
    pub departure: Option<Departure>,
    /// Absenteeism: no punch and no leave, late or early beyond the last tier (R-ATT-5).
    pub absent: bool,
    /// A clock-in without a clock-out (or the reverse): to be corrected (R-ATT-7).
    pub missing_punch: bool,
    /// The day's deductions, fen.
    pub deduction_fen: i64,
}

impl DayVerdict {
    /// R-ATT-6: whether the day costs the month's full-attendance bonus.
    pub fn breaks_full_attendance(&self) -> bool {
        self.absent
            || matches!(self.arrival, Some(Arrival::Late { .. }))
            || matches!(self.departure, Some(Departure::Early { .. }))
    }
}

/// Merges leave intervals and returns the part of `[start, end)` they leave to work:
/// `None` when leave covers all of it.
fn working_window(
    start: NaiveTime,
    end: NaiveTime,
    leave: &[(NaiveTime, NaiveTime)],
) -> Option<(NaiveTime, NaiveTime)> {
    let mut spans: Vec<(NaiveTime, NaiveTime)> =
        leave.iter().copied().filter(|(a, b)| a < b).collect();
    spans.sort();
    let (mut from, mut to) = (start, end);
    // Leave covering the start moves it later, repeatedly through adjoining spans.
    for &(a, b) in &spans {
        if a <= from && b > from {
            from = b;
        }
    }
    for &(a, b) in spans.iter().rev() {
        if b >= to && a < to {
            to = a;
        }
    }
    (from < to).then_some((from, to))
}

/// R-ATT-2..5, R-ATT-8: judges one working day.
pub fn judge_day(
    policy: &AttendancePolicy,
    level: StaffLevel,
    monthly_wage_fen: i64,
    day: &DayRecord,
) -> DayVerdict {
    let Some((start, end)) = working_window(policy.start, policy.end, &day.leave) else {
        return DayVerdict {
            on_leave: true,
            arrival: None,
            departure: None,
            absent: false,
            missing_punch: false,
            deduction_fen: 0,
        };
    };
    let arrival = day
        .clock_in
        .map(|t| policy.arrival(start, t, day.phoned_ahead));
    let departure = day.clock_out.map(|t| policy.departure(end, t));
    let no_punch = day.clock_in.is_none() && day.clock_out.is_none();
    let absent = no_punch
        || matches!(arrival, Some(Arrival::Absent { .. }))
        || matches!(departure, Some(Departure::Absent { .. }));
    let deduction_fen = if absent {
        policy.absence_deduction_fen(monthly_wage_fen)
    } else {
        let late = match arrival {
            Some(Arrival::Late { tier, .. }) => policy.fine_fen(tier, level),
            _ => 0,
        };
        let early = match departure {
            Some(Departure::Early { tier, .. }) => policy.fine_fen(tier, level),
            _ => 0,
        };
        late + early
    };
    DayVerdict {
        on_leave: false,
        arrival,
        departure,
        absent,
        missing_punch: !no_punch && (day.clock_in.is_none() || day.clock_out.is_none()),
        deduction_fen,
    }
}

/// R-ATT-9: one person's month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSummary {
    /// Working days with at least one punch and not absent.
    pub days_worked: u32,
    pub days_on_leave: u32,
    /// Late arrivals by tier (1, 2, 3).
    pub late_by_tier: [u32; 3],
    /// Early leaves by tier (1, 2, 3).
    pub early_by_tier: [u32; 3],
    pub absences: u32,
    pub missing_punches: u32,
    pub deductions_fen: i64,
    /// R-ATT-6: kept only with no late arrival, early leave or absence in the month.
    pub full_attendance_bonus_kept: bool,
}

/// R-ATT-9: adds up the verdicts of a month's working days.
pub fn summarize<'a>(days: impl IntoIterator<Item = &'a DayVerdict>) -> MonthSummary {
    let mut s = MonthSummary {
        full_attendance_bonus_kept: true,
        ..MonthSummary::default()
    };
    for d in days {
        if d.on_leave {
            s.days_on_leave += 1;
            continue;
        }
        if d.absent {
            s.absences += 1;
        } else {
            s.days_worked += 1;
        }
        if let Some(Arrival::Late { tier, .. }) = d.arrival {
            s.late_by_tier[tier.index()] += 1;
        }
        if let Some(Departure::Early { tier, .. }) = d.departure {
            s.early_by_tier[tier.index()] += 1;
        }
        if d.missing_punch {
            s.missing_punches += 1;
        }
        s.deductions_fen += d.deduction_fen;
        if d.breaks_full_attendance() {
            s.full_attendance_bonus_kept = false;
        }
    }
    s
}

/// What a day's verdict becomes when its month is closed: a missing punch the policy turns into
/// absenteeism once the manager has confirmed it (`confirmed`). Other days stay as judged.
pub fn settle(
    policy: &AttendancePolicy,
    monthly_wage_fen: i64,
    verdict: &DayVerdict,
    confirmed: bool,
) -> DayVerdict {
    let mut v = verdict.clone();
    if v.missing_punch
        && !v.absent
        && confirmed
        && policy.missing_punch == MissingPunchRule::AbsenceOnConfirmation
    {
        v.absent = true;
        v.deduction_fen = policy.absence_deduction_fen(monthly_wage_fen);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> AttendancePolicy {
        AttendancePolicy::default()
    }

    fn t(h: u32, m: u32, s: u32) -> NaiveTime {
        hms(h, m, s)
    }

    fn arrive(h: u32, m: u32, s: u32) -> Arrival {
        p().arrival(p().start, t(h, m, s), false)
    }

    fn leave(h: u32, m: u32, s: u32) -> Departure {
        p().departure(p().end, t(h, m, s))
    }

    #[test]
    fn r_att_1_the_default_day_is_eight_to_half_past_five() {
        assert_eq!((p().start, p().end), (t(8, 0, 0), t(17, 30, 0)));
        assert_eq!(p().check(), Ok(()));
    }

    #[test]
    fn r_att_2_late_starts_at_08_01_00_to_the_second() {
        assert_eq!(arrive(7, 45, 0), Arrival::OnTime);
        assert_eq!(arrive(8, 0, 59), Arrival::OnTime);
        let almost = t(8, 0, 59)
            .with_nanosecond(999_999_999)
            .unwrap_or(NaiveTime::MIN);
        assert_eq!(
            p().arrival(p().start, almost, false),
            Arrival::OnTime,
            "fractions are cut"
        );
        assert_eq!(
            arrive(8, 1, 0),
            Arrival::Late {
                by_secs: 60,
                tier: Tier::One
            }
        );
    }

    #[test]
    fn r_att_3_tiers_and_fines_by_level() {
        let tier = |h, m, s| match arrive(h, m, s) {
            Arrival::Late { tier, .. } => Some(tier),
            _ => None,
        };
        assert_eq!(tier(8, 10, 0), Some(Tier::One));
        assert_eq!(tier(8, 10, 1), Some(Tier::Two));
        assert_eq!(tier(8, 20, 0), Some(Tier::Two));
        assert_eq!(tier(8, 20, 1), Some(Tier::Three));
        assert_eq!(tier(8, 30, 0), Some(Tier::Three));
        assert_eq!(arrive(8, 30, 1), Arrival::Absent { by_secs: 1801 });
        let fines: Vec<_> = Tier::ALL
            .iter()
            .map(|&t| {
                (
                    p().fine_fen(t, StaffLevel::P),
                    p().fine_fen(t, StaffLevel::M),
                )
            })
            .collect();
        assert_eq!(fines, [(1_000, 3_000), (2_000, 6_000), (3_000, 9_000)]);
    }

    #[test]
    fn r_att_4_early_leave_from_17_25_00() {
        assert_eq!(leave(17, 30, 0), Departure::OnTime);
        assert_eq!(leave(18, 45, 0), Departure::OnTime);
        assert_eq!(leave(17, 25, 1), Departure::OnTime);
        assert_eq!(
            leave(17, 25, 0),
            Departure::Early {
                by_secs: 300,
                tier: Tier::One
            }
        );
        assert!(matches!(
            leave(17, 19, 59),
            Departure::Early {
                tier: Tier::Two,
                ..
            }
        ));
        assert!(matches!(
            leave(17, 0, 0),
            Departure::Early {
                tier: Tier::Three,
                ..
            }
        ));
        assert_eq!(leave(16, 59, 59), Departure::Absent { by_secs: 1801 });
    }

    #[test]
    fn r_att_5_absenteeism_costs_three_daily_wages() {
        // 6,525 yuan a month: 300 yuan a day, 900 for a day of absence.
        assert_eq!(p().absence_deduction_fen(652_500), 90_000);
        // Rounded to the nearest fen.
        assert_eq!(p().absence_deduction_fen(100), 14);
        let day = |clock_in, clock_out, phoned| DayRecord {
            clock_in,
            clock_out,
            leave: vec![],
            phoned_ahead: phoned,
        };
        let none = judge_day(&p(), StaffLevel::P, 652_500, &day(None, None, false));
        assert!(none.absent && none.deduction_fen == 90_000);
        let very_late = day(Some(t(8, 45, 0)), Some(t(17, 30, 0)), false);
        let v = judge_day(&p(), StaffLevel::P, 652_500, &very_late);
        assert!(v.absent);
        assert_eq!(v.deduction_fen, 90_000, "absence, not a tier fine as well");
        // With the manager's record of a call beforehand: late at the highest tier.
        let called = DayRecord {
            phoned_ahead: true,
            ..very_late
        };
        let v = judge_day(&p(), StaffLevel::M, 652_500, &called);
        assert!(!v.absent);
        assert_eq!(v.deduction_fen, 9_000);
    }

    #[test]
    fn r_att_6_any_lapse_loses_the_full_attendance_bonus() {
        let ok = DayRecord {
            clock_in: Some(t(7, 58, 0)),
            clock_out: Some(t(17, 31, 0)),
            ..DayRecord::default()
        };
        let late = DayRecord {
            clock_in: Some(t(8, 1, 0)),
            ..ok.clone()
        };
        let verdict = |d: &DayRecord| judge_day(&p(), StaffLevel::P, 500_000, d);
        let clean = summarize(&[verdict(&ok), verdict(&ok)]);
        assert!(clean.full_attendance_bonus_kept);
        assert_eq!(clean.deductions_fen, 0);
        let lapsed = summarize(&[verdict(&ok), verdict(&late)]);
        assert!(!lapsed.full_attendance_bonus_kept);
        assert_eq!(lapsed.late_by_tier, [1, 0, 0]);
        assert_eq!(lapsed.deductions_fen, 1_000);
    }

    #[test]
    fn r_att_8_approved_leave_excuses_the_hours_it_covers() {
        // Morning leave until 10:00 moves the start to 10:00: 10:00:30 is on time, 10:05:00 is
        // late by five minutes.
        let morning = DayRecord {
            clock_in: Some(t(10, 0, 30)),
            clock_out: Some(t(17, 30, 0)),
            leave: vec![(t(8, 0, 0), t(10, 0, 0))],
            phoned_ahead: false,
        };
        let v = judge_day(&p(), StaffLevel::P, 500_000, &morning);
        assert_eq!(v.arrival, Some(Arrival::OnTime));
        assert_eq!(v.deduction_fen, 0);
        let late_after_leave = DayRecord {
            clock_in: Some(t(10, 5, 0)),
            ..morning.clone()
        };
        assert!(matches!(
            judge_day(&p(), StaffLevel::P, 500_000, &late_after_leave).arrival,
            Some(Arrival::Late {
                by_secs: 300,
                tier: Tier::One
            })
        ));
        // Afternoon leave from 15:00: leaving at 15:00 is not early.
        let afternoon = DayRecord {
            clock_in: Some(t(7, 59, 0)),
            clock_out: Some(t(15, 0, 0)),
            leave: vec![(t(15, 0, 0), t(17, 30, 0))],
            phoned_ahead: false,
        };
        let v = judge_day(&p(), StaffLevel::P, 500_000, &afternoon);
        assert_eq!(v.departure, Some(Departure::OnTime));
        // Adjoining spans covering the whole day: a day of leave, no punch needed.
        let whole = DayRecord {
            leave: vec![(t(12, 0, 0), t(18, 0, 0)), (t(0, 0, 0), t(12, 0, 0))],
            ..DayRecord::default()
        };
        let v = judge_day(&p(), StaffLevel::P, 500_000, &whole);
        assert!(v.on_leave && !v.absent && v.deduction_fen == 0);
        let s = summarize(&[v]);
        assert_eq!(s.days_on_leave, 1);
        assert!(s.full_attendance_bonus_kept);
    }

    #[test]
    fn r_att_9_the_month_adds_up_days_tiers_absences_and_deductions() {
        let verdict = |clock_in, clock_out| {
            judge_day(
                &p(),
                StaffLevel::M,
                652_500,
                &DayRecord {
                    clock_in,
                    clock_out,
                    ..DayRecord::default()
                },
            )
        };
        let month = [
            verdict(Some(t(7, 50, 0)), Some(t(17, 40, 0))),
            verdict(Some(t(8, 15, 0)), Some(t(17, 40, 0))), // late, tier 2
            verdict(Some(t(7, 50, 0)), Some(t(17, 22, 0))), // early, tier 1
            verdict(None, None),                            // absent
            verdict(Some(t(7, 50, 0)), None),               // missing clock-out
        ];
        let s = summarize(&month);
        assert_eq!(s.days_worked, 4);
        assert_eq!(s.absences, 1);
        assert_eq!(s.late_by_tier, [0, 1, 0]);
        assert_eq!(s.early_by_tier, [1, 0, 0]);
        assert_eq!(s.missing_punches, 1);
        assert_eq!(s.deductions_fen, 6_000 + 3_000 + 90_000);
        assert!(!s.full_attendance_bonus_kept);
    }

    #[test]
    fn policies_that_cannot_judge_a_day_are_refused() {
        let bad_end = AttendancePolicy {
            end: t(7, 0, 0),
            ..p()
        };
        assert_eq!(bad_end.check().map_err(|e| e.field), Err("end"));
        let bad_tiers = AttendancePolicy {
            tier_limits_secs: [600, 600, 1800],
            ..p()
        };
        assert_eq!(
            bad_tiers.check().map_err(|e| e.field),
            Err("tier_limits_secs")
        );
        let bad_days = AttendancePolicy {
            working_days_per_month_hundredths: 0,
            ..p()
        };
        assert!(bad_days.check().is_err());
    }
}
