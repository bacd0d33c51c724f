//! How the dashboard writes money, instants and countdowns: one place, tested natively.
//!
//! Money travels as integer fen and is written as yuan with thousands separators
//! (`123450` → `¥1,234.50`). Instants travel in UTC and are written in the company's time zone
//! (China Standard Time, UTC+8, which has no daylight saving).

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// The company's time zone.
pub fn company_tz() -> FixedOffset {
    // Eight hours lies within the ±24 h chrono accepts; UTC is only the type's fallback.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `¥1,234.50`; negative amounts as `-¥1.00`.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let (yuan, cents) = (abs / 100, abs % 100);
    let digits = yuan.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{cents:02}")
}

/// What a person typed as yuan (`1,234.5`, `¥12`, `0.05`) in fen; `None` for anything else,
/// including more than two decimals or a negative amount. Exact: no floating point.
pub fn parse_yuan(typed: &str) -> Option<i64> {
    let t: String = typed
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let yuan: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(cents)
}

/// A `datetime-local` input's value (`2026-12-01T10:00`), read in the company's time zone.
pub fn parse_local(value: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .ok()?
        .and_local_timezone(company_tz())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// An instant as a `datetime-local` input's value in the company's time zone.
pub fn local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&company_tz())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Today's date in the company's time zone (`2026-11-30`).
pub fn today(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&company_tz()).date_naive()
}

/// `2026-11-30 18:45` in the company's time zone.
pub fn datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&company_tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// How a deadline looks from `now`: time left (or overdue by) as `m:ss`, and its urgency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub text: String,
    pub urgency: Urgency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// More than two minutes left.
    Calm,
    /// Two minutes or less left.
    Soon,
    /// Past due.
    Missed,
}

impl Urgency {
    pub fn class(self) -> &'static str {
        match self {
            Urgency::Calm => "calm",
            Urgency::Soon => "soon",
            Urgency::Missed => "missed",
        }
    }
}

/// R-ORD-3: the contact countdown: amber in the last two minutes, red once missed.
pub fn countdown(due: DateTime<Utc>, now: DateTime<Utc>) -> Countdown {
    let secs = (due - now).num_seconds();
    let abs = secs.unsigned_abs();
    let text = format!(
        "{}{}:{:02}",
        if secs < 0 { "-" } else { "" },
        abs / 60,
        abs % 60
    );
    let urgency = if secs < 0 {
        Urgency::Missed
    } else if secs <= 120 {
        Urgency::Soon
    } else {
        Urgency::Calm
    };
    Countdown { text, urgency }
}

/// R-APR-5: time left to a publish-by deadline in hours and minutes (`47 h 05 min`, negative
/// once overdue); amber in its last six hours, red once missed.
pub fn hours_left(due: DateTime<Utc>, now: DateTime<Utc>) -> Countdown {
    let mins = (due - now).num_minutes();
    let abs = mins.unsigned_abs();
    let text = format!(
        "{}{} h {:02} min",
        if mins < 0 { "-" } else { "" },
        abs / 60,
        abs % 60
    );
    let urgency = if due < now {
        Urgency::Missed
    } else if mins <= 6 * 60 {
        Urgency::Soon
    } else {
        Urgency::Calm
    };
    Countdown { text, urgency }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn money_is_yuan_with_separators_from_fen() {
        assert_eq!(money(0), "¥0.00");
        assert_eq!(money(5), "¥0.05");
        assert_eq!(money(12_800), "¥128.00");
        assert_eq!(money(123_450), "¥1,234.50");
        assert_eq!(money(100_000_000), "¥1,000,000.00");
        assert_eq!(money(-100), "-¥1.00");
        assert_eq!(money(i64::MIN), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn instants_are_written_in_company_time() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 16, 5, 9).single();
        let at = at.unwrap_or_default();
        assert_eq!(datetime(at), "2026-12-01 00:05");
    }

    #[test]
    fn r_apr_5_the_publish_by_countdown_shows_hours_and_turns_red_when_missed() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .single()
            .unwrap_or_default();
        let c = hours_left(now + chrono::Duration::minutes(48 * 60 - 1), now);
        assert_eq!((c.text.as_str(), c.urgency), ("47 h 59 min", Urgency::Calm));
        let c = hours_left(now + chrono::Duration::minutes(300), now);
        assert_eq!((c.text.as_str(), c.urgency), ("5 h 00 min", Urgency::Soon));
        let c = hours_left(now - chrono::Duration::minutes(65), now);
        assert_eq!(
            (c.text.as_str(), c.urgency),
            ("-1 h 05 min", Urgency::Missed)
        );
    }

    #[test]
    fn r_ord_3_the_countdown_turns_amber_then_red() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
            .single()
            .unwrap_or_default();
        let c = countdown(now + chrono::Duration::seconds(600), now);
        assert_eq!((c.text.as_str(), c.urgency), ("10:00", Urgency::Calm));
        let c = countdown(now + chrono::Duration::seconds(120), now);
        assert_eq!((c.text.as_str(), c.urgency), ("2:00", Urgency::Soon));
        let c = countdown(now - chrono::Duration::seconds(61), now);
        assert_eq!((c.text.as_str(), c.urgency), ("-1:01", Urgency::Missed));
    }

    #[test]
    fn typed_yuan_becomes_exact_fen() {
        assert_eq!(parse_yuan("12"), Some(1200));
        assert_eq!(parse_yuan("¥1,234.5"), Some(123450));
        assert_eq!(parse_yuan(" 0.05 "), Some(5));
        assert_eq!(parse_yuan(".5"), Some(50));
        assert_eq!(parse_yuan("19.99"), Some(1999));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("."), None);
    }

    #[test]
    fn local_inputs_are_company_time() {
        let t = parse_local("2026-12-01T08:30").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 12, 1, 0, 30, 0).unwrap());
        assert_eq!(local_input(t), "2026-12-01T08:30");
        assert_eq!(parse_local("2026-12-01"), None);
    }

    #[test]
    fn today_is_the_company_date() {
        let late_utc = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
        assert_eq!(today(late_utc).to_string(), "2026-12-01");
    }
}
