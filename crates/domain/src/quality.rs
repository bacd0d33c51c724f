//! Service quality (R-QA-1..3): customer-service contacts, the service checklist of the rule
//! books (八、客服要求), reviews against it, the reproducible sample and the pass rates.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How the customer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    OnlineChat,
    Phone,
    PlatformMessenger,
}

impl Channel {
    pub const ALL: [Channel; 3] = [
        Channel::OnlineChat,
        Channel::Phone,
        Channel::PlatformMessenger,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::OnlineChat => "online_chat",
            Channel::Phone => "phone",
            Channel::PlatformMessenger => "platform_messenger",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One item of the service checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Stable key (`opening_greeting`).
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// Judged on phone calls only (报号, not hanging up first …).
    pub phone_only: bool,
}

fn item(key: &str, zh: &str, en: &str, phone_only: bool) -> ChecklistItem {
    ChecklistItem {
        key: key.to_owned(),
        label_zh: zh.to_owned(),
        label_en: en.to_owned(),
        phone_only,
    }
}

/// The department's checklist as the rule books give it (SPEC R-QA-2; seeds part 八).
pub fn default_checklist() -> Vec<ChecklistItem> {
    vec![
        item(
            "opening_greeting",
            "使用开始语",
            "Opening greeting used",
            false,
        ),
        item(
            "polite_forms",
            "使用礼貌用语（请、您）",
            "Polite forms (请/您)",
            false,
        ),
        item("closing_phrase", "使用结束语", "Closing phrase used", false),
        item(
            "reminded_of_notes",
            "提醒客户注意事项",
            "Customer reminded of what to note",
            false,
        ),
        item(
            "problem_handled",
            "处理问题而不推诿",
            "Problem handled, not passed off",
            false,
        ),
        item(
            "order_verified",
            "核对订单信息",
            "Order information verified",
            false,
        ),
        item(
            "feedback_recorded",
            "准确记录客户反馈信息",
            "Feedback recorded accurately",
            false,
        ),
        item(
            "asked_anything_else",
            "主动询问还有什么需要帮助",
            "Asked whether anything else is needed",
            false,
        ),
        item(
            "staff_number_stated",
            "清楚报号",
            "Staff number stated clearly",
            true,
        ),
        item(
            "no_interrupting",
            "不打断客户",
            "Did not interrupt the customer",
            true,
        ),
        item(
            "no_off_point_answers",
            "不答非所问",
            "No off-point answers",
            true,
        ),
        item(
            "tone",
            "语气不生硬、不急躁、不推托",
            "Tone: not flat, impatient or pushing off",
            true,
        ),
        item(
            "not_hanging_up_first",
            "不先挂断电话",
            "Did not hang up first",
            true,
        ),
    ]
}

/// How one item was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Met,
    NotMet,
    NotApplicable,
}

/// One item's mark in a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMark {
    pub item: String,
    pub mark: Mark,
    #[serde(default)]
    pub comment: String,
}

/// Why a review's marks are refused: `(field, message)`.
pub type MarkError = (String, String);

/// R-QA-2: every item of the checklist marked exactly once, nothing else; phone-only items are
/// "not applicable" on a contact that was not a call.
pub fn check_marks(
    checklist: &[ChecklistItem],
    channel: Channel,
    marks: &[ItemMark],
) -> Result<(), Vec<MarkError>> {
    let mut errors = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        match checklist.iter().find(|c| c.key == m.item) {
            None => errors.push((
                format!("marks[{i}].item"),
                "is not an item of the checklist".to_owned(),
            )),
            Some(c)
                if c.phone_only && channel != Channel::Phone && m.mark != Mark::NotApplicable =>
            {
                errors.push((
                    format!("marks[{i}].mark"),
                    "a phone-only item is not applicable to a contact that was not a call"
                        .to_owned(),
                ))
            }
            Some(_) => {}
        }
        if marks[..i].iter().any(|o| o.item == m.item) {
            errors.push((format!("marks[{i}].item"), "is marked twice".to_owned()));
        }
    }
    for c in checklist {
        if !marks.iter().any(|m| m.item == c.key) {
            errors.push((
                "marks".to_owned(),
                format!("the item `{}` is not marked", c.key),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The review's score: the share of applicable items met, in percent (rounded); 100 when none
/// applied.
pub fn score(marks: &[ItemMark]) -> i32 {
    let met = marks.iter().filter(|m| m.mark == Mark::Met).count();
    let judged = marks
        .iter()
        .filter(|m| m.mark != Mark::NotApplicable)
        .count();
    if judged == 0 {
        return 100;
    }
    ((met * 100 + judged / 2) / judged) as i32
}

/// R-QA-2 sampling: the `n` contacts of one person that come first in an order fixed by the seed
/// (SHA-256 of the seed and the contact's id), so the same seed gives the same sample.
pub fn sample(mut contacts: Vec<Uuid>, seed: &str, n: usize) -> Vec<Uuid> {
    let key = |id: &Uuid| Sha256::digest(format!("{seed}:{id}").as_bytes());
    contacts.sort_by_key(key);
    contacts.truncate(n);
    contacts
}

/// Phrases that open a conversation (开始语), Chinese and English.
pub const OPENING_PHRASES: &[&str] = &[
    "您好",
    "你好",
    "欢迎光临",
    "很高兴为您服务",
    "请问有什么可以帮您",
    "hello",
    "hi,",
    "good morning",
    "good afternoon",
    "welcome",
    "how can i help",
];
/// Phrases that close one (结束语).
pub const CLOSING_PHRASES: &[&str] = &[
    "还有什么需要帮助",
    "还有其他问题",
    "感谢您的",
    "谢谢您",
    "祝您",
    "再见",
    "欢迎下次光临",
    "anything else",
    "thank you for",
    "have a nice day",
    "goodbye",
];
/// Polite forms (请/您).
pub const POLITE_PHRASES: &[&str] = &["请", "您", "please", "thank you"];

/// A suggestion of the automatic pre-check for one item: what the transcript suggests, and the
/// phrase found (if any). Never a substitute for the reviewer's judgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub item: String,
    pub mark: Mark,
    pub evidence: Option<String>,
}

/// The phrase lists of the pre-check (lower case): the built-in ones and the library's approved
/// greetings and closings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecheckPhrases {
    pub opening: Vec<String>,
    pub closing: Vec<String>,
    pub polite: Vec<String>,
}

impl PrecheckPhrases {
    pub fn built_in() -> PrecheckPhrases {
        let own = |l: &[&str]| l.iter().map(|p| (*p).to_owned()).collect();
        PrecheckPhrases {
            opening: own(OPENING_PHRASES),
            closing: own(CLOSING_PHRASES),
            polite: own(POLITE_PHRASES),
        }
    }
}

/// R-QA-2 pre-check of a text transcript: the opening phrase in its first lines, the closing
/// phrase in its last ones, polite forms anywhere.
pub fn precheck(transcript: &str, phrases: &PrecheckPhrases) -> Vec<Suggestion> {
    let lower = transcript.to_lowercase();
    let lines: Vec<&str> = lower.lines().filter(|l| !l.trim().is_empty()).collect();
    let head = lines.iter().take(3).copied().collect::<Vec<_>>().join("\n");
    let tail = lines
        .iter()
        .rev()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    let find = |text: &str, phrases: &[String]| {
        phrases
            .iter()
            .find(|p| !p.is_empty() && text.contains(p.as_str()))
            .cloned()
    };
    [
        ("opening_greeting", find(&head, &phrases.opening)),
        ("closing_phrase", find(&tail, &phrases.closing)),
        ("polite_forms", find(&lower, &phrases.polite)),
    ]
    .into_iter()
    .map(|(item, found)| Suggestion {
        item: item.to_owned(),
        mark: if found.is_some() {
            Mark::Met
        } else {
            Mark::NotMet
        },
        evidence: found,
    })
    .collect()
}

/// Met and not-met counts of one item over several reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub met: i64,
    pub not_met: i64,
    pub not_applicable: i64,
}

impl Tally {
    pub fn add(&mut self, mark: Mark) {
        match mark {
            Mark::Met => self.met += 1,
            Mark::NotMet => self.not_met += 1,
            Mark::NotApplicable => self.not_applicable += 1,
        }
    }

    /// R-QA-3: the share of judged marks that were met; `None` when never judged.
    pub fn pass_rate(&self) -> Option<f64> {
        let judged = self.met + self.not_met;
        (judged > 0).then(|| self.met as f64 / judged as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(channel_phone: bool, not_met: &[&str]) -> Vec<ItemMark> {
        default_checklist()
            .into_iter()
            .map(|c| ItemMark {
                mark: if c.phone_only && !channel_phone {
                    Mark::NotApplicable
                } else if not_met.contains(&c.key.as_str()) {
                    Mark::NotMet
                } else {
                    Mark::Met
                },
                item: c.key,
                comment: String::new(),
            })
            .collect()
    }

    #[test]
    fn r_qa_2_every_item_is_marked_once_and_phone_items_only_on_calls() {
        let list = default_checklist();
        assert_eq!(list.len(), 13);
        assert!(check_marks(&list, Channel::Phone, &marks(true, &[])).is_ok());
        assert!(check_marks(&list, Channel::OnlineChat, &marks(false, &[])).is_ok());
        // A phone item judged on a chat, an item missing, one twice, one unknown.
        assert!(check_marks(&list, Channel::OnlineChat, &marks(true, &[])).is_err());
        let mut short = marks(true, &[]);
        short.pop();
        assert!(check_marks(&list, Channel::Phone, &short).is_err());
        let mut twice = marks(true, &[]);
        twice.push(twice[0].clone());
        assert!(check_marks(&list, Channel::Phone, &twice).is_err());
        let mut unknown = marks(true, &[]);
        unknown[0].item = "smile".into();
        assert!(check_marks(&list, Channel::Phone, &unknown).is_err());
    }

    #[test]
    fn r_qa_2_the_score_is_the_share_of_applicable_items_met() {
        assert_eq!(score(&marks(true, &[])), 100);
        // 13 judged on a call, 2 missed: 11/13 = 84.6 %.
        assert_eq!(score(&marks(true, &["tone", "closing_phrase"])), 85);
        // 8 judged on a chat, 1 missed: 7/8 = 87.5 %.
        assert_eq!(score(&marks(false, &["closing_phrase"])), 88);
    }

    #[test]
    fn r_qa_2_the_sample_is_reproducible_by_its_seed() {
        let ids: Vec<Uuid> = (1..=40).map(Uuid::from_u128).collect();
        let a = sample(ids.clone(), "2026-W48", 5);
        assert_eq!(
            a,
            sample(ids.iter().rev().copied().collect(), "2026-W48", 5)
        );
        assert_eq!(a.len(), 5);
        assert_ne!(a, sample(ids, "2026-W49", 5));
    }

    #[test]
    fn r_qa_2_the_precheck_suggests_missing_opening_and_closing_phrases() {
        let good = precheck("客服：您好，请问有什么可以帮您？\n客户：发货了吗\n客服：今天发出，请问还有什么需要帮助的吗？", &PrecheckPhrases::built_in());
        assert!(good.iter().all(|s| s.mark == Mark::Met), "{good:?}");
        let bare = precheck(
            "客服：在\n客户：发货了吗\n客服：今天发",
            &PrecheckPhrases::built_in(),
        );
        assert!(bare.iter().all(|s| s.mark == Mark::NotMet), "{bare:?}");
        let english = precheck("Agent: Hello, how can I help?\nCustomer: where is my parcel\nAgent: Anything else I can do?", &PrecheckPhrases::built_in());
        assert_eq!(english[0].evidence.as_deref(), Some("hello"));
        assert_eq!(english[1].mark, Mark::Met);
    }

    #[test]
    fn r_qa_3_pass_rates_count_judged_marks_only() {
        let mut t = Tally::default();
        for m in [Mark::Met, Mark::Met, Mark::NotMet, Mark::NotApplicable] {
            t.add(m);
        }
        assert_eq!(t.pass_rate(), Some(2.0 / 3.0));
        assert_eq!(Tally::default().pass_rate(), None);
    }
}
