//! Service quality (R-QA-1..3): contacts, the service checklist, reviews, the sample, the figures.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// How the customer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    OnlineChat,
    Phone,
    PlatformMessenger,
}

/// Who began the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactDirection {
    Inbound,
    Outbound,
}

/// `POST /contacts`: a contact with a customer, before, during or after a sale (R-QA-1).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateContactRequest {
    /// Whose contact (the supervisor records for others); default: the caller's own.
    pub staff_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 2000))]
    pub summary: String,
    #[validate(length(max = 100000))]
    pub transcript: Option<String>,
    #[validate(length(min = 1, max = 500))]
    pub outcome: String,
    /// The customer's feedback, recorded as given (准确记录客户反馈信息).
    #[validate(length(max = 2000))]
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactView {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub summary: String,
    pub transcript: Option<String>,
    pub outcome: String,
    pub feedback: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    /// The review of this contact, if it has one.
    pub review_id: Option<Uuid>,
    /// The automatic pre-check of the transcript (opening and closing phrases, polite forms): a
    /// suggestion the reviewer starts from, never a substitute for the review.
    #[serde(default)]
    pub suggestions: Vec<MarkSuggestion>,
}

/// One item the pre-check suggests, with the phrase it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkSuggestion {
    pub item: String,
    pub mark: ItemMarkValue,
    pub evidence: Option<String>,
    /// For a phrase not found: an approved phrase of the library that fits the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_phrase: Option<String>,
}

/// Filters of `GET /contacts` and `GET /qa/reviews`: a period (default: the last 7 days) and a
/// person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct QualityQuery {
    pub staff_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One item of the service checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemView {
    #[validate(length(min = 1, max = 60))]
    pub key: String,
    #[validate(length(min = 1, max = 200))]
    pub label_zh: String,
    #[validate(length(min = 1, max = 200))]
    pub label_en: String,
    /// Judged on phone calls only.
    pub phone_only: bool,
}

/// The checklist in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistView {
    pub version: i64,
    pub items: Vec<ChecklistItemView>,
}

/// `PUT /qa/checklist`: a new version.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetChecklistRequest {
    #[validate(length(min = 1, max = 50), nested)]
    pub items: Vec<ChecklistItemView>,
}

/// How one item was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemMarkValue {
    Met,
    NotMet,
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemMarkView {
    #[validate(length(min = 1, max = 60))]
    pub item: String,
    pub mark: ItemMarkValue,
    #[validate(length(max = 1000))]
    #[serde(default)]
    pub comment: String,
}

/// `POST /qa/reviews`: every item of the checklist marked, with a comment.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateReviewRequest {
    pub contact_id: Uuid,
    #[validate(length(min = 1, max = 50), nested)]
    pub marks: Vec<ItemMarkView>,
    #[validate(length(max = 2000))]
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    pub checklist_version: i64,
    pub marks: Vec<ItemMarkView>,
    /// The share of applicable items met, in percent.
    pub score: i32,
    pub comment: String,
    pub submitted_at: DateTime<Utc>,
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

/// `POST /qa/reviews/{id}/response`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewResponseRequest {
    #[validate(length(min = 1, max = 2000))]
    pub text: String,
}

/// `POST /qa/samples`: contacts not yet reviewed, `per_person` per person, chosen by `seed`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SampleRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[validate(range(min = 1, max = 50))]
    pub per_person: u32,
    #[validate(length(min = 1, max = 100))]
    pub seed: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleGroup {
    pub staff_id: Uuid,
    pub staff_name: String,
    pub contacts: Vec<ContactView>,
}

/// One item's marks over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemFigures {
    pub item: String,
    pub met: i64,
    pub not_met: i64,
    pub not_applicable: i64,
    /// Met ÷ (met + not met); `None` when never judged.
    pub pass_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonQualityFigures {
    pub staff_id: Uuid,
    pub staff_name: String,
    pub reviews: i64,
    pub average_score: Option<f64>,
    /// The same figure over the period of the same length just before.
    pub previous_average_score: Option<f64>,
    pub items: Vec<ItemFigures>,
}

/// `GET /qa/figures`: per person, and the department's items ranked by failure rate (what to
/// train next).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityFigures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub people: Vec<PersonQualityFigures>,
    pub items_by_failure: Vec<ItemFigures>,
}

/// Filters of `GET /qa/figures`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct QualityFiguresQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// A situation of the service-phrase library (话术).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhraseSituation {
    Greeting,
    Delay,
    Refund,
    Complaint,
    Closing,
    Other,
}

/// The language of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhraseLanguage {
    Zh,
    En,
}

/// Where a phrase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhraseState {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Retired,
}

/// `POST /qa/phrases`: the supervisor proposes a phrase; the department manager approves it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposePhraseRequest {
    pub situation: PhraseSituation,
    pub language: PhraseLanguage,
    #[validate(length(min = 2, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 500))]
    pub text: String,
    /// When to use it.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
}

/// `POST /qa/phrases/{id}/retire`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetirePhraseRequest {
    #[validate(length(min = 4, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 500))]
    pub reason: String,
}

/// One phrase of the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhraseView {
    pub id: Uuid,
    pub situation: PhraseSituation,
    pub language: PhraseLanguage,
    pub text: String,
    pub note: String,
    pub state: PhraseState,
    pub proposed_by: Uuid,
    pub proposed_by_name: String,
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// Filters of `GET /qa/phrases` (default: the approved library).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct PhraseQuery {
    /// Words that must all appear in the text or the note.
    pub q: Option<String>,
    pub situation: Option<PhraseSituation>,
    pub language: Option<PhraseLanguage>,
    pub state: Option<PhraseState>,
}
