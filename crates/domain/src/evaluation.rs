//! The monthly staff evaluation (R-EVAL-1, 月度日常工作考评表): a form of weighted items, each
//! scored by the manager or taken from the month's figures; drafted per direct report, submitted
//! by the manager, acknowledged or disputed by the person, immutable once the month is closed.

use serde::{Deserialize, Serialize};

/// Where an item's score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The manager scores it.
    Manager,
    /// Late arrivals, early leaves and absences of the month.
    Attendance,
    /// Orders contacted within the deadline, of those the person took.
    ContactDeadline,
    /// The average score of the person's service reviews (R-QA-2).
    ServiceReview,
    /// Daily reports filed, of the working days judged.
    DailyReports,
}

/// One item of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormItem {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// Its share of the total, in percent; the weights of a form sum to 100.
    pub weight: u32,
    pub source: Source,
}

fn item(key: &str, zh: &str, en: &str, weight: u32, source: Source) -> FormItem {
    FormItem {
        key: key.to_owned(),
        label_zh: zh.to_owned(),
        label_en: en.to_owned(),
        weight,
        source,
    }
}

/// The department's form until a version is written.
pub fn default_form() -> Vec<FormItem> {
    vec![
        item("attendance", "考勤", "Attendance", 20, Source::Attendance),
        item(
            "contact_deadline",
            "10 分钟内联系客户",
            "Contact within the deadline",
            20,
            Source::ContactDeadline,
        ),
        item(
            "service_review",
            "服务质检",
            "Service reviews",
            20,
            Source::ServiceReview,
        ),
        item(
            "daily_reports",
            "工作日报",
            "Daily reports",
            20,
            Source::DailyReports,
        ),
        item(
            "work_quality",
            "工作质量与态度",
            "Quality of work and attitude",
            20,
            Source::Manager,
        ),
    ]
}

/// R-EVAL-1: a form's items have distinct keys and weights of 1–100 that sum to 100.
pub fn check_form(items: &[FormItem]) -> Result<(), (String, String)> {
    if items.is_empty() {
        return Err(("items".into(), "must name at least one item".into()));
    }
    for (i, it) in items.iter().enumerate() {
        if items[..i].iter().any(|o| o.key == it.key) {
            return Err((format!("items[{i}].key"), "is used twice".into()));
        }
        if it.weight == 0 || it.weight > 100 {
            return Err((format!("items[{i}].weight"), "must be 1 to 100".into()));
        }
    }
    let sum: u32 = items.iter().map(|i| i.weight).sum();
    if sum != 100 {
        return Err(("items".into(), format!("the weights sum to {sum}, not 100")));
    }
    Ok(())
}

/// The month's figures an evaluation is prefilled with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub contact_met: i64,
    pub contact_missed: i64,
    pub reviews: i64,
    pub review_average: Option<f64>,
    pub daily_reports_filed: i64,
}

impl MonthFigures {
    /// Full attendance kept: judged days, none late, early or absent.
    pub fn full_attendance(&self) -> bool {
        self.days_judged > 0 && self.late + self.early + self.absent == 0
    }
}

/// The score (0–100) the figures give an item, or `None` when the source has nothing to judge
/// (no working day, no order, no review): the manager scores it then.
///
/// - attendance: 100 with full attendance; 5 points off per late arrival or early leave and 20
///   per absence;
/// - contact deadline: the share of orders contacted in time;
/// - service reviews: their average score;
/// - daily reports: the share of judged working days with a report.
pub fn system_score(source: Source, f: &MonthFigures) -> Option<i32> {
    let pct = |part: i64, whole: i64| ((part * 100 + whole / 2) / whole).clamp(0, 100) as i32;
    match source {
        Source::Manager => None,
        Source::Attendance => (f.days_judged > 0)
            .then(|| (100 - 5 * (f.late + f.early) - 20 * f.absent).clamp(0, 100) as i32),
        Source::ContactDeadline => {
            let all = f.contact_met + f.contact_missed;
            (all > 0).then(|| pct(f.contact_met, all))
        }
        Source::ServiceReview => f.review_average.map(|a| a.round().clamp(0.0, 100.0) as i32),
        Source::DailyReports => (f.days_judged > 0)
            .then(|| pct(f.daily_reports_filed.min(f.days_judged), f.days_judged)),
    }
}

/// The weighted total of scored items (each score 0–100), in points out of 100; `None` while an
/// item has no score.
pub fn total(items: &[(u32, Option<i32>)]) -> Option<f64> {
    let mut sum = 0.0;
    for (weight, score) in items {
        sum += f64::from(*weight) * f64::from((*score)?) / 100.0;
    }
    Some(sum)
}

/// Where an evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Drafted by the system, being scored by the manager.
    Draft,
    /// Sent to the person.
    Submitted,
    Acknowledged,
    /// The person disagreed; it went to the manager's own manager.
    Disputed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Acknowledged => "acknowledged",
            State::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        [
            State::Draft,
            State::Submitted,
            State::Acknowledged,
            State::Disputed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_eval_1_form_weights_sum_to_100() {
        assert!(check_form(&default_form()).is_ok());
        let mut f = default_form();
        f[0].weight = 30;
        assert!(check_form(&f).is_err_and(|(field, m)| field == "items" && m.contains("110")));
        let mut f = default_form();
        f[1].key = f[0].key.clone();
        assert!(check_form(&f).is_err());
    }

    #[test]
    fn r_eval_1_system_scores_come_from_the_months_figures() {
        let f = MonthFigures {
            days_judged: 21,
            late: 2,
            early: 1,
            absent: 1,
            contact_met: 45,
            contact_missed: 5,
            reviews: 3,
            review_average: Some(88.6),
            daily_reports_filed: 20,
        };
        assert_eq!(system_score(Source::Attendance, &f), Some(65));
        assert_eq!(system_score(Source::ContactDeadline, &f), Some(90));
        assert_eq!(system_score(Source::ServiceReview, &f), Some(89));
        assert_eq!(system_score(Source::DailyReports, &f), Some(95));
        assert_eq!(system_score(Source::Manager, &f), None);
        assert!(!f.full_attendance());
        let none = MonthFigures::default();
        assert_eq!(system_score(Source::ContactDeadline, &none), None);
        assert_eq!(total(&[(60, Some(90)), (40, Some(50))]), Some(74.0));
        assert_eq!(total(&[(60, Some(90)), (40, None)]), None);
    }
}
