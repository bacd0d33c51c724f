//! Duty rosters (R-DUT-1..4): customer-service hours and the on-duty manager outside them, the
//! weekend rotation of back-office customer service, the storefront and restaurant duty windows,
//! and the rule that nobody is rostered during approved leave.
//!
//! Times are wall-clock times in the company time zone (`NaiveDateTime`); a shift may run past
//! midnight (the evening hotline duty does).

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// What a duty is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// R-DUT-1: the customer-service manager whose phone takes the hotline outside service hours.
    HotlineManager,
    /// R-DUT-2: back-office customer service on Saturdays and Sundays, in rotation.
    WeekendService,
    /// R-DUT-3: the storefront specialist's evening (all-day on Sundays) duty.
    Storefront,
    /// R-DUT-3: the restaurant's evening duty.
    Restaurant,
}

impl DutyKind {
    pub const ALL: [DutyKind; 4] = [
        DutyKind::HotlineManager,
        DutyKind::WeekendService,
        DutyKind::Storefront,
        DutyKind::Restaurant,
    ];

    /// R-DUT-1..3: the job role a person needs to take this duty (`None`: anyone on the staff).
    pub fn role_needed(self) -> Option<crate::access::JobRole> {
        use crate::access::JobRole;
        match self {
            DutyKind::HotlineManager => Some(JobRole::CsSupervisor),
            DutyKind::WeekendService => Some(JobRole::CustomerService),
            DutyKind::Storefront => Some(JobRole::StorefrontSpecialist),
            DutyKind::Restaurant => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DutyKind::HotlineManager => "hotline_manager",
            DutyKind::WeekendService => "weekend_service",
            DutyKind::Storefront => "storefront",
            DutyKind::Restaurant => "restaurant",
        }
    }
}

impl FromStr for DutyKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DutyKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown duty kind `{s}`"))
    }
}

/// The duty policy; defaults are the rule book's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyPolicy {
    /// R-DUT-1: customer-service hours, every day.
    pub service_start: NaiveTime,
    pub service_end: NaiveTime,
    /// R-DUT-3: the storefront specialist's duty on Monday to Saturday, and on Sunday.
    pub storefront_weekday: (NaiveTime, NaiveTime),
    pub storefront_sunday: (NaiveTime, NaiveTime),
    /// R-DUT-3: the restaurant's duty, every day.
    pub restaurant: (NaiveTime, NaiveTime),
}

impl Default for DutyPolicy {
    fn default() -> Self {
        DutyPolicy {
            service_start: hm(8, 30),
            service_end: hm(21, 0),
            storefront_weekday: (hm(18, 0), hm(21, 0)),
            storefront_sunday: (hm(8, 30), hm(21, 0)),
            restaurant: (hm(18, 0), hm(20, 0)),
        }
    }
}

/// One rostered duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub person: Uuid,
    pub kind: DutyKind,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Shift {
    pub fn covers(&self, at: NaiveDateTime) -> bool {
        self.start <= at && at < self.end
    }

    fn overlaps(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        self.start < to && from < self.end
    }
}

impl DutyPolicy {
    /// R-DUT-1: whether customer service answers the hotline itself at `at`.
    pub fn in_service_hours(&self, at: NaiveDateTime) -> bool {
        let t = at.time();
        self.service_start <= t && t < self.service_end
    }

    /// R-DUT-1: the hotline duty that follows the service hours of `day`: from the end of service
    /// to the start of service the next morning.
    pub fn hotline_window(&self, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        (
            day.and_time(self.service_end),
            next.and_time(self.service_start),
        )
    }

    /// R-DUT-2/3: the window a duty of `kind` covers on `day`, when that duty exists that day.
    pub fn window(&self, kind: DutyKind, day: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let at = |(a, b): (NaiveTime, NaiveTime)| Some((day.and_time(a), day.and_time(b)));
        match kind {
            DutyKind::HotlineManager => Some(self.hotline_window(day)),
            DutyKind::WeekendService => match day.weekday() {
                Weekday::Sat | Weekday::Sun => at((self.service_start, self.service_end)),
                _ => None,
            },
            DutyKind::Storefront if day.weekday() == Weekday::Sun => at(self.storefront_sunday),
            DutyKind::Storefront => at(self.storefront_weekday),
            DutyKind::Restaurant => at(self.restaurant),
        }
    }

    /// Checks a shift against the duty's window (R-DUT-2/3): it must lie inside the window of
    /// its kind on the day it starts (the hotline window of the day before for early-morning
    /// starts).
    pub fn check_shift(&self, shift: &Shift) -> Result<(), String> {
        if shift.end <= shift.start {
            return Err("a shift must end after it starts".to_owned());
        }
        let day = shift.start.date();
        let candidates = [
            self.window(shift.kind, day),
            day.checked_sub_days(Days::new(1))
                .and_then(|d| self.window(shift.kind, d)),
        ];
        if candidates
            .iter()
            .flatten()
            .any(|&(a, b)| a <= shift.start && shift.end <= b)
        {
            Ok(())
        } else {
            match self.window(shift.kind, day) {
                Some((a, b)) => Err(format!(
                    "a {} duty on {day} runs within {a} – {b}",
                    shift.kind.as_str()
                )),
                None => Err(format!(
                    "there is no {} duty on a {}",
                    shift.kind.as_str(),
                    day.weekday()
                )),
            }
        }
    }
}

/// R-DUT-4: the first approved-leave interval of the shift's person that overlaps the shift.
pub fn leave_conflict(
    shift: &Shift,
    leave: &[(Uuid, NaiveDateTime, NaiveDateTime)],
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    leave
        .iter()
        .find(|(who, from, to)| *who == shift.person && shift.overlaps(*from, *to))
        .map(|&(_, from, to)| (from, to))
}

/// R-DUT-1: who answers at `at`: `None` while customer service is in its hours, else the
/// rostered hotline managers (empty when nobody is rostered: a gap to fix).
pub fn hotline_at<'a>(
    policy: &DutyPolicy,
    shifts: &'a [Shift],
    at: NaiveDateTime,
) -> Option<Vec<&'a Shift>> {
    if policy.in_service_hours(at) {
        return None;
    }
    Some(
        shifts
            .iter()
            .filter(|s| s.kind == DutyKind::HotlineManager && s.covers(at))
            .collect(),
    )
}

/// Everyone on duty at `at`, of any kind.
pub fn on_duty_at(shifts: &[Shift], at: NaiveDateTime) -> Vec<&Shift> {
    shifts.iter().filter(|s| s.covers(at)).collect()
}

/// R-DUT-2/4: the weekend rotation from `from` (inclusive) to `to` (exclusive): each Saturday
/// and Sunday goes to the next person in `staff` order, starting after `last` (who had the
/// previous weekend day), skipping anyone on approved leave that day. A day nobody can take is
/// returned in the second list.
pub fn weekend_rotation(
    policy: &DutyPolicy,
    staff: &[Uuid],
    last: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
    leave: &[(Uuid, NaiveDateTime, NaiveDateTime)],
) -> (Vec<Shift>, Vec<NaiveDate>) {
    rotation(
        policy,
        DutyKind::WeekendService,
        staff,
        last,
        (from, to),
        leave,
    )
}

/// Roster generation from the duty's template (its window on each day, R-DUT-1..3): every day
/// of `[from, to)` on which `kind` has a window goes to the next person in `staff` order after
/// `last`, skipping anyone busy then (approved leave, another duty). Days nobody can take are
/// returned in the second list.
pub fn rotation(
    policy: &DutyPolicy,
    kind: DutyKind,
    staff: &[Uuid],
    last: Option<Uuid>,
    (from, to): (NaiveDate, NaiveDate),
    busy: &[(Uuid, NaiveDateTime, NaiveDateTime)],
) -> (Vec<Shift>, Vec<NaiveDate>) {
    let mut shifts = Vec::new();
    let mut uncovered = Vec::new();
    let days = from.iter_days().take_while(|d| *d < to);
    if staff.is_empty() {
        return (
            shifts,
            days.filter(|d| policy.window(kind, *d).is_some()).collect(),
        );
    }
    let mut next = last
        .and_then(|l| staff.iter().position(|s| *s == l))
        .map_or(0, |i| (i + 1) % staff.len());
    for day in days {
        let Some((start, end)) = policy.window(kind, day) else {
            continue;
        };
        let shift_of = |i: usize| Shift {
            person: staff[i],
            kind,
            start,
            end,
        };
        let pick = (0..staff.len())
            .map(|k| (next + k) % staff.len())
            .find(|&i| leave_conflict(&shift_of(i), busy).is_none());
        match pick {
            Some(i) => {
                shifts.push(shift_of(i));
                next = (i + 1) % staff.len();
            }
            None => uncovered.push(day),
        }
    }
    (shifts, uncovered)
}

/// R-DUT-2/4: who should take a shift released because its person went on leave: the next
/// person after `absent` in the rotation's `order`, going round, skipping `absent` and anyone
/// `busy` then; when `absent` was not in the rotation, the first free one of it. `None` when
/// nobody of the rotation is free.
pub fn next_in_rotation(order: &[Uuid], absent: Uuid, busy: impl Fn(Uuid) -> bool) -> Option<Uuid> {
    let start = order.iter().position(|p| *p == absent).map_or(0, |i| i + 1);
    (0..order.len())
        .map(|k| order[(start + k) % order.len()])
        .find(|p| *p != absent && !busy(*p))
}

/// A stretch of a duty's window on one day that no live shift covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub kind: DutyKind,
    pub day: NaiveDate,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// Coverage rule per duty: over `[from, to)`, every minute of each duty's window (from its
/// template) is covered by at least one shift of that duty; what is not is returned, in order.
pub fn coverage_gaps(
    policy: &DutyPolicy,
    kinds: &[DutyKind],
    shifts: &[Shift],
    (from, to): (NaiveDate, NaiveDate),
) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for day in from.iter_days().take_while(|d| *d < to) {
        for &kind in kinds {
            let Some((start, end)) = policy.window(kind, day) else {
                continue;
            };
            let mut covering: Vec<&Shift> = shifts
                .iter()
                .filter(|s| s.kind == kind && s.overlaps(start, end))
                .collect();
            covering.sort_by_key(|s| s.start);
            let mut at = start;
            for s in covering {
                if s.start > at {
                    gaps.push(Gap {
                        kind,
                        day,
                        start: at,
                        end: s.start.min(end),
                    });
                }
                at = at.max(s.end);
                if at >= end {
                    break;
                }
            }
            if at < end {
                gaps.push(Gap {
                    kind,
                    day,
                    start: at,
                    end,
                });
            }
        }
    }
    gaps
}

#[cfg(test)]
mod rotation_tests {
    use super::next_in_rotation;
    use uuid::Uuid;

    #[test]
    fn r_dut_4_a_shift_released_for_leave_suggests_the_next_free_person_of_the_rotation() {
        let [a, b, c, d] = [1, 2, 3, 4].map(Uuid::from_u128);
        let order = [a, b, c];
        assert_eq!(next_in_rotation(&order, b, |_| false), Some(c));
        // Round the end of the rotation, past whoever is busy then.
        assert_eq!(next_in_rotation(&order, c, |_| false), Some(a));
        assert_eq!(next_in_rotation(&order, b, |p| p == c), Some(a));
        // The absent person is never suggested, even when everyone else is busy.
        assert_eq!(next_in_rotation(&order, b, |p| p != b), None);
        // Someone outside the rotation went on leave: its first free person.
        assert_eq!(next_in_rotation(&order, d, |p| p == a), Some(b));
        assert_eq!(next_in_rotation(&[], d, |_| false), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    fn at(day: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        day.and_time(hm(h, m))
    }

    fn person(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn r_dut_1_outside_service_hours_the_rostered_manager_answers() {
        let p = DutyPolicy::default();
        let mon = d(2026, 11, 23);
        let (from, to) = p.hotline_window(mon);
        let night = Shift {
            person: person(1),
            kind: DutyKind::HotlineManager,
            start: from,
            end: to,
        };
        let shifts = [night.clone()];
        assert_eq!(hotline_at(&p, &shifts, at(mon, 8, 30)), None);
        assert_eq!(hotline_at(&p, &shifts, at(mon, 20, 59)), None);
        assert_eq!(hotline_at(&p, &shifts, at(mon, 21, 0)), Some(vec![&night]));
        let tue = d(2026, 11, 24);
        assert_eq!(hotline_at(&p, &shifts, at(tue, 3, 0)), Some(vec![&night]));
        assert_eq!(hotline_at(&p, &shifts, at(tue, 8, 30)), None);
        // Tuesday night nobody is rostered: the gap shows.
        assert_eq!(hotline_at(&p, &shifts, at(tue, 22, 0)), Some(vec![]));
        assert_eq!(p.check_shift(&night), Ok(()));
    }

    #[test]
    fn r_dut_3_storefront_evenings_and_all_sunday_restaurant_evenings() {
        let p = DutyPolicy::default();
        let sat = d(2026, 11, 28);
        let sun = d(2026, 11, 29);
        assert_eq!(
            p.window(DutyKind::Storefront, sat),
            Some((at(sat, 18, 0), at(sat, 21, 0)))
        );
        assert_eq!(
            p.window(DutyKind::Storefront, sun),
            Some((at(sun, 8, 30), at(sun, 21, 0)))
        );
        assert_eq!(
            p.window(DutyKind::Restaurant, sun),
            Some((at(sun, 18, 0), at(sun, 20, 0)))
        );
        let outside = Shift {
            person: person(1),
            kind: DutyKind::Storefront,
            start: at(sat, 9, 0),
            end: at(sat, 12, 0),
        };
        assert!(
            p.check_shift(&outside).is_err(),
            "Saturday mornings are not storefront duty"
        );
        let sunday_morning = Shift {
            start: at(sun, 9, 0),
            end: at(sun, 12, 0),
            ..outside
        };
        assert_eq!(p.check_shift(&sunday_morning), Ok(()));
    }

    #[test]
    fn r_dut_2_weekend_service_rotates_and_r_dut_4_skips_leave() {
        let p = DutyPolicy::default();
        let staff = [person(1), person(2), person(3)];
        // Two weekends from Monday 23 November.
        let (shifts, gaps) = weekend_rotation(
            &p,
            &staff,
            Some(person(1)),
            d(2026, 11, 23),
            d(2026, 12, 7),
            &[],
        );
        assert!(gaps.is_empty());
        let order: Vec<_> = shifts.iter().map(|s| (s.start.date(), s.person)).collect();
        assert_eq!(
            order,
            [
                (d(2026, 11, 28), person(2)),
                (d(2026, 11, 29), person(3)),
                (d(2026, 12, 5), person(1)),
                (d(2026, 12, 6), person(2)),
            ]
        );
        assert!(shifts.iter().all(|s| p.check_shift(s).is_ok()));
        // Person 2 on leave on Saturday 28th: person 3 takes it, the rotation carries on.
        let leave = [(
            person(2),
            at(d(2026, 11, 28), 0, 0),
            at(d(2026, 11, 29), 0, 0),
        )];
        let (shifts, _) = weekend_rotation(
            &p,
            &staff,
            Some(person(1)),
            d(2026, 11, 28),
            d(2026, 11, 30),
            &leave,
        );
        assert_eq!(shifts[0].person, person(3));
        assert_eq!(shifts[1].person, person(1));
        assert!(shifts.iter().all(|s| leave_conflict(s, &leave).is_none()));
        // Everyone on leave: the day is reported uncovered, nobody is rostered on leave.
        let all_away: Vec<_> = staff
            .iter()
            .map(|s| (*s, at(d(2026, 11, 28), 0, 0), at(d(2026, 11, 30), 0, 0)))
            .collect();
        let (shifts, gaps) = weekend_rotation(
            &p,
            &staff,
            None,
            d(2026, 11, 28),
            d(2026, 11, 30),
            &all_away,
        );
        assert!(shifts.is_empty());
        assert_eq!(gaps, [d(2026, 11, 28), d(2026, 11, 29)]);
    }

    #[test]
    fn r_dut_4_a_shift_during_leave_is_a_conflict() {
        let day = d(2026, 11, 25);
        let shift = Shift {
            person: person(7),
            kind: DutyKind::Storefront,
            start: at(day, 18, 0),
            end: at(day, 21, 0),
        };
        let afternoon_leave = [(person(7), at(day, 13, 0), at(day, 18, 30))];
        assert!(leave_conflict(&shift, &afternoon_leave).is_some());
        let morning_leave = [(person(7), at(day, 8, 0), at(day, 12, 0))];
        assert!(leave_conflict(&shift, &morning_leave).is_none());
        let someone_else = [(person(8), at(day, 0, 0), at(day, 23, 59))];
        assert!(leave_conflict(&shift, &someone_else).is_none());
        assert_eq!(
            on_duty_at(std::slice::from_ref(&shift), at(day, 19, 0)),
            vec![&shift]
        );
    }

    #[test]
    fn r_dut_3_generated_storefront_duty_follows_its_template_and_skips_the_busy() {
        let p = DutyPolicy::default();
        let (a, b) = (person(1), person(2));
        // Monday 23 to Monday 30 November: six evenings and the Sunday's whole day.
        let mon = d(2026, 11, 23);
        let busy = [(b, at(d(2026, 11, 25), 0, 0), at(d(2026, 11, 26), 0, 0))];
        let (shifts, gaps) = rotation(
            &p,
            DutyKind::Storefront,
            &[a, b],
            None,
            (mon, d(2026, 11, 30)),
            &busy,
        );
        assert!(gaps.is_empty());
        let who: Vec<Uuid> = shifts.iter().map(|s| s.person).collect();
        assert_eq!(
            who,
            vec![a, b, a, b, a, b, a],
            "Wednesday goes to a: b is away"
        );
        assert_eq!(shifts[0].start, at(mon, 18, 0));
        assert_eq!(
            shifts[6].start,
            at(d(2026, 11, 29), 8, 30),
            "Sunday is all day"
        );
    }

    #[test]
    fn r_dut_1_coverage_lists_what_no_shift_covers() {
        let p = DutyPolicy::default();
        let sun = d(2026, 11, 29);
        let morning = Shift {
            person: person(1),
            kind: DutyKind::WeekendService,
            start: at(sun, 8, 30),
            end: at(sun, 12, 0),
        };
        let evening = Shift {
            person: person(2),
            kind: DutyKind::WeekendService,
            start: at(sun, 14, 0),
            end: at(sun, 21, 0),
        };
        let gaps = coverage_gaps(
            &p,
            &[DutyKind::WeekendService],
            &[morning, evening],
            (d(2026, 11, 28), d(2026, 11, 30)),
        );
        assert_eq!(
            gaps.iter()
                .map(|g| (g.day, g.start, g.end))
                .collect::<Vec<_>>(),
            vec![
                (
                    d(2026, 11, 28),
                    at(d(2026, 11, 28), 8, 30),
                    at(d(2026, 11, 28), 21, 0)
                ),
                (sun, at(sun, 12, 0), at(sun, 14, 0)),
            ]
        );
    }
}
