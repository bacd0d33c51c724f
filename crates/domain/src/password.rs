//! R-ACL-5: the password policy.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The policy in force; every value is configurable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length in characters (R-ACL-5 says at least 6; the default is 8).
    pub min_length: usize,
    /// How many character classes (lower, upper, digit, symbol) a password must mix.
    pub min_classes: usize,
    /// Days after which a password expires and can only be changed.
    pub max_age_days: i64,
    /// How many previous passwords may not be reused.
    pub history: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
            max_age_days: 90,
            history: 3,
        }
    }
}

/// One clause of the policy that a candidate password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordViolation {
    TooShort,
    StartsWithDigit,
    TooSimple,
    Common,
    ContainsUsername,
    Reused,
}

impl PasswordViolation {
    pub fn message(self, policy: &PasswordPolicy) -> String {
        match self {
            PasswordViolation::TooShort => {
                format!("must be at least {} characters long", policy.min_length)
            }
            PasswordViolation::StartsWithDigit => "must not begin with a digit".to_owned(),
            PasswordViolation::TooSimple => format!(
                "must mix at least {} of: lower-case letters, upper-case letters, digits, symbols",
                policy.min_classes
            ),
            PasswordViolation::Common => "is too common; choose one that is not".to_owned(),
            PasswordViolation::ContainsUsername => "must not contain the user name".to_owned(),
            PasswordViolation::Reused => {
                format!("must differ from the last {} passwords", policy.history)
            }
        }
    }
}

const COMMON: &str = include_str!("common_passwords.txt");

/// Whether `password` is one of the bundled most common passwords, also when it is only such a
/// word with digits or symbols around it ("Password1!").
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    COMMON
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .any(|w| w == lower || w == core)
}

fn classes(password: &str) -> usize {
    let lower = password.chars().any(|c| c.is_lowercase());
    let upper = password.chars().any(|c| c.is_uppercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| !c.is_alphanumeric());
    [lower, upper, digit, symbol]
        .into_iter()
        .filter(|b| *b)
        .count()
}

/// Checks a new password against every clause that can be judged without the history.
/// Reuse is judged by the caller, who holds the old hashes, and reported as [`PasswordViolation::Reused`].
pub fn check(
    password: &str,
    username: &str,
    policy: &PasswordPolicy,
) -> Result<(), Vec<PasswordViolation>> {
    let mut found = Vec::new();
    if password.chars().count() < policy.min_length {
        found.push(PasswordViolation::TooShort);
    }
    if password.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        found.push(PasswordViolation::StartsWithDigit);
    }
    if classes(password) < policy.min_classes {
        found.push(PasswordViolation::TooSimple);
    }
    if is_common(password) {
        found.push(PasswordViolation::Common);
    }
    if username.chars().count() >= 3 && password.to_lowercase().contains(&username.to_lowercase()) {
        found.push(PasswordViolation::ContainsUsername);
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found)
    }
}

/// When a password set at `changed_at` expires under `policy`.
pub fn expires_at(changed_at: DateTime<Utc>, policy: &PasswordPolicy) -> DateTime<Utc> {
    changed_at + Duration::days(policy.max_age_days)
}

/// Whether a password set at `changed_at` has expired at `now`.
pub fn is_expired(changed_at: DateTime<Utc>, now: DateTime<Utc>, policy: &PasswordPolicy) -> bool {
    now >= expires_at(changed_at, policy)
}

/// Lockout after repeated failed logins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    pub max_failures: i32,
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

/// The outcome of one more failed login, given the failures counted so far.
/// Returns the new failure count and, when the limit is reached, until when the account is locked.
pub fn register_failure(
    failures_so_far: i32,
    now: DateTime<Utc>,
    policy: &LockoutPolicy,
) -> (i32, Option<DateTime<Utc>>) {
    let failures = failures_so_far.saturating_add(1);
    if failures >= policy.max_failures {
        (0, Some(now + Duration::minutes(policy.lock_minutes)))
    } else {
        (failures, None)
    }
}

/// Whether an account locked until `locked_until` is still locked at `now`.
pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|until| now < until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn r_acl_5_a_strong_password_passes() {
        assert_eq!(check("Harbour-Lantern-42", "alice", &policy()), Ok(()));
    }

    #[test]
    fn r_acl_5_minimum_length_is_configurable() {
        assert_eq!(
            check("Ab1-xyz", "alice", &policy()),
            Err(vec![PasswordViolation::TooShort])
        );
        let six = PasswordPolicy {
            min_length: 6,
            ..policy()
        };
        assert_eq!(check("Ab1-xyz", "alice", &six), Ok(()));
    }

    #[test]
    fn r_acl_5_must_not_begin_with_a_digit() {
        assert_eq!(
            check("9Harbour-Lantern", "alice", &policy()),
            Err(vec![PasswordViolation::StartsWithDigit])
        );
    }

    #[test]
    fn r_acl_5_needs_three_character_classes() {
        for weak in ["harbourlantern", "harbourlantern42", "HARBOUR-LANTERN"] {
            assert_eq!(
                check(weak, "alice", &policy()),
                Err(vec![PasswordViolation::TooSimple]),
                "{weak}"
            );
        }
        for strong in ["harbourLantern42", "harbour-lantern42", "Harbour-Lantern"] {
            assert_eq!(check(strong, "alice", &policy()), Ok(()), "{strong}");
        }
    }

    #[test]
    fn r_acl_5_common_passwords_are_refused_even_decorated() {
        for common in ["Password1!", "P@ssw0rd", "Qwerty123!", "!!Iloveyou99"] {
            assert!(
                check(common, "alice", &policy())
                    .is_err_and(|v| v.contains(&PasswordViolation::Common)),
                "{common}"
            );
        }
    }

    #[test]
    fn r_acl_5_must_not_contain_the_user_name() {
        assert_eq!(
            check("Xx-Alice-2026", "alice", &policy()),
            Err(vec![PasswordViolation::ContainsUsername])
        );
    }

    #[test]
    fn r_acl_5_passwords_expire_after_the_configured_days() {
        let set = Utc
            .with_ymd_and_hms(2026, 1, 1, 8, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(!is_expired(set, set + Duration::days(89), &policy()));
        assert!(is_expired(set, set + Duration::days(90), &policy()));
        let short = PasswordPolicy {
            max_age_days: 30,
            ..policy()
        };
        assert!(is_expired(set, set + Duration::days(30), &short));
    }

    #[test]
    fn r_acl_5_five_failures_lock_for_fifteen_minutes() {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 8, 0, 0)
            .single()
            .unwrap_or_default();
        let lockout = LockoutPolicy::default();
        let mut failures = 0;
        for _ in 0..4 {
            let (n, locked) = register_failure(failures, now, &lockout);
            assert_eq!(locked, None);
            failures = n;
        }
        let (_, locked) = register_failure(failures, now, &lockout);
        assert_eq!(locked, Some(now + Duration::minutes(15)));
        assert!(is_locked(locked, now + Duration::minutes(14)));
        assert!(!is_locked(locked, now + Duration::minutes(15)));
    }
}
