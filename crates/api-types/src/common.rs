//! Types every endpoint shares: errors, pages, health.

use serde::{Deserialize, Serialize};

/// One offending field of a rejected request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name, dotted for nested fields (`lines.0.quantity`).
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, snake_case machine code (`validation_failed`, `not_found`, ...): one of
    /// [`ErrorCode`].
    #[cfg_attr(feature = "openapi", schema(value_type = ErrorCode))]
    pub code: String,
    /// For validation problems: the offending fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One page of a list. Pass `next_cursor` back as `?cursor=` for the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Opaque cursor of the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Liveness or readiness answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Declares the error-code registry: each variant with its wire string.
macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// Every `code` a problem document of this API can carry: one registry, published in the
        /// OpenAPI document as the values of `Problem.code`. A code used anywhere in the server
        /// must be listed here (a test scans the sources).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the registry's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire string of this code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The registered code spelled `s`, if any.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

error_codes! {
    AlreadyDecided => "already_decided",
    AlreadyExists => "already_exists",
    AlreadyFlagged => "already_flagged",
    AlreadyInForce => "already_in_force",
    AlreadyInactive => "already_inactive",
    AlreadyPaused => "already_paused",
    AlreadyResponded => "already_responded",
    AlreadyReviewed => "already_reviewed",
    AlreadyRevoked => "already_revoked",
    AlreadyRostered => "already_rostered",
    BackupFileMissing => "backup_file_missing",
    BackupRemoved => "backup_removed",
    BackupRunning => "backup_running",
    BadRequest => "bad_request",
    BeyondAuthority => "beyond_authority",
    BootstrapClosed => "bootstrap_closed",
    CalendarOverlap => "calendar_overlap",
    CaseClosed => "case_closed",
    ChangePending => "change_pending",
    CheckMismatch => "check_mismatch",
    ConcurrentEvent => "concurrent_event",
    ConcurrentUpdate => "concurrent_update",
    ContentAlreadyPublished => "content_already_published",
    ContentNotApproved => "content_not_approved",
    ContentNotDraft => "content_not_draft",
    ContentNotPublished => "content_not_published",
    ContentRevisionOpen => "content_revision_open",
    ContentTypeMismatch => "content_type_mismatch",
    CopyrightNeedsApproval => "copyright_needs_approval",
    CorsRejected => "cors_rejected",
    DelegatorRequest => "delegator_request",
    DepartureOpen => "departure_open",
    DeviceOnly => "device_only",
    DevicePunchReused => "device_punch_reused",
    DiscountBeyondLimit => "discount_beyond_limit",
    DoubleBooked => "double_booked",
    DuplicateChannelOrder => "duplicate_channel_order",
    DuplicateName => "duplicate_name",
    DuplicatePhrase => "duplicate_phrase",
    DuplicateSku => "duplicate_sku",
    EarlierMonthOpen => "earlier_month_open",
    EffectiveInPast => "effective_in_past",
    EmptyImport => "empty_import",
    EvaluationNotDisputed => "evaluation_not_disputed",
    EvaluationNotSubmitted => "evaluation_not_submitted",
    EvaluationSubmitted => "evaluation_submitted",
    EvaluationsPending => "evaluations_pending",
    FileTooLarge => "file_too_large",
    HandoverClosed => "handover_closed",
    HandoverPending => "handover_pending",
    IdempotencyInProgress => "idempotency_in_progress",
    IdempotencyKeyReused => "idempotency_key_reused",
    ImportRejected => "import_rejected",
    InsufficientLevel => "insufficient_level",
    InsufficientStock => "insufficient_stock",
    InternalError => "internal_error",
    InvalidBody => "invalid_body",
    InvalidCredentials => "invalid_credentials",
    InvalidCursor => "invalid_cursor",
    InvalidHeader => "invalid_header",
    InvalidIdempotencyKey => "invalid_idempotency_key",
    InvalidLimit => "invalid_limit",
    InvalidMarks => "invalid_marks",
    InvalidPath => "invalid_path",
    InvalidPathParameter => "invalid_path_parameter",
    InvalidQuery => "invalid_query",
    InvalidStatus => "invalid_status",
    InvalidTransition => "invalid_transition",
    ItemConfirmed => "item_confirmed",
    ItemDone => "item_done",
    KindNotAvailable => "kind_not_available",
    LaterMonthClosed => "later_month_closed",
    LeaveOverlap => "leave_overlap",
    MalformedCsv => "malformed_csv",
    MalformedJson => "malformed_json",
    MethodNotAllowed => "method_not_allowed",
    MissingDutyRole => "missing_duty_role",
    MissingPunchesPending => "missing_punches_pending",
    MissingRole => "missing_role",
    MissingScope => "missing_scope",
    MonthClosed => "month_closed",
    MonthNotOver => "month_not_over",
    MonthOpen => "month_open",
    NoDirectReports => "no_direct_reports",
    NotASession => "not_a_session",
    NotAWitness => "not_a_witness",
    NotActive => "not_active",
    NotAuthor => "not_author",
    NotAwaitingPublication => "not_awaiting_publication",
    NotForSale => "not_for_sale",
    NotFound => "not_found",
    NotPaused => "not_paused",
    NotProposer => "not_proposer",
    NotReviewedPerson => "not_reviewed_person",
    NotStaff => "not_staff",
    NotTheEscalation => "not_the_escalation",
    NotTheManager => "not_the_manager",
    NotThePerson => "not_the_person",
    NotYetEffective => "not_yet_effective",
    NotYetQueued => "not_yet_queued",
    NotYourDeparture => "not_your_departure",
    NotYourSwap => "not_your_swap",
    NotYours => "not_yours",
    NothingToChange => "nothing_to_change",
    NoticeExists => "notice_exists",
    NoticeTooShort => "notice_too_short",
    OnLeave => "on_leave",
    OrderImmutable => "order_immutable",
    OutOfStock => "out_of_stock",
    Overloaded => "overloaded",
    OwnAttendance => "own_attendance",
    OwnContact => "own_contact",
    OwnRequest => "own_request",
    PasswordExpired => "password_expired",
    PasswordPolicy => "password_policy",
    PayloadTooLarge => "payload_too_large",
    PendingRequestExists => "pending_request_exists",
    PhraseNotApproved => "phrase_not_approved",
    PolicyVersionExists => "policy_version_exists",
    PreconditionFailed => "precondition_failed",
    PriceNeedsApproval => "price_needs_approval",
    PromotionOverlap => "promotion_overlap",
    PublishThroughSubject => "publish_through_subject",
    RateLimited => "rate_limited",
    RefundExceedsPaid => "refund_exceeds_paid",
    ReportDayNotOver => "report_day_not_over",
    ReportDayOver => "report_day_over",
    ReportDayToCome => "report_day_to_come",
    RequestNotPending => "request_not_pending",
    RevisionNotApproved => "revision_not_approved",
    Scheduled => "scheduled",
    SelfDeactivation => "self_deactivation",
    SessionRequired => "session_required",
    ShiftCancelled => "shift_cancelled",
    ShiftStarted => "shift_started",
    StatementSent => "statement_sent",
    StocktakePosted => "stocktake_posted",
    SubjectChanged => "subject_changed",
    SummaryClosed => "summary_closed",
    SummaryTooEarly => "summary_too_early",
    SwapAnswered => "swap_answered",
    SwapWithSelf => "swap_with_self",
    TooManyRows => "too_many_rows",
    Unauthorized => "unauthorized",
    Unavailable => "unavailable",
    UnknownReference => "unknown_reference",
    UnreadableBody => "unreadable_body",
    UnsupportedMediaType => "unsupported_media_type",
    UsernameTaken => "username_taken",
    ValidationFailed => "validation_failed",
    WageRestricted => "wage_restricted",
    WrongRole => "wrong_role",
}

#[cfg(test)]
mod error_code_tests {
    use super::ErrorCode;

    #[test]
    fn error_codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::Value::String(c.as_str().to_owned()))
            );
        }
    }
}

/// A job role (SPEC §1), as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobRole {
    GeneralManager,
    MarketingDirector,
    DeptManager,
    Planner,
    StorefrontSpecialist,
    Designer,
    CustomerService,
    CsSupervisor,
    QaInspector,
    Warehouse,
    ItAdmin,
}

/// What an approval request is about (R-APR-1/2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    Listing,
    AbnormalDelisting,
    PriceChange,
    Promotion,
    ConfidentialInfo,
    PageRevision,
    News,
    PermissionLevel,
    BadCustomer,
    Leave,
    OfficialAccountChange,
    ShiftSwap,
    PunchCorrection,
    Delegation,
    ServicePhrase,
}

/// Where an approval request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// A decision on an approval step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

/// Where an order stands (R-ORD-2..6, R-ORD-10), derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Accepted,
    Verified,
    OnHold,
    PriceHold,
    Checked,
    Shipped,
    Delivered,
    Cancelled,
}

/// A permission level (R-ACL-1..3), lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PermissionLevel {
    Viewer,
    Operator,
    DbAdmin,
}

impl PermissionLevel {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionLevel::Viewer => "viewer",
            PermissionLevel::Operator => "operator",
            PermissionLevel::DbAdmin => "db_admin",
        }
    }
}

impl JobRole {
    /// Every role, in the order of SPEC §1.
    pub const ALL: [JobRole; 11] = [
        JobRole::GeneralManager,
        JobRole::MarketingDirector,
        JobRole::DeptManager,
        JobRole::Planner,
        JobRole::StorefrontSpecialist,
        JobRole::Designer,
        JobRole::CustomerService,
        JobRole::CsSupervisor,
        JobRole::QaInspector,
        JobRole::Warehouse,
        JobRole::ItAdmin,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobRole::GeneralManager => "general_manager",
            JobRole::MarketingDirector => "marketing_director",
            JobRole::DeptManager => "dept_manager",
            JobRole::Planner => "planner",
            JobRole::StorefrontSpecialist => "storefront_specialist",
            JobRole::Designer => "designer",
            JobRole::CustomerService => "customer_service",
            JobRole::CsSupervisor => "cs_supervisor",
            JobRole::QaInspector => "qa_inspector",
            JobRole::Warehouse => "warehouse",
            JobRole::ItAdmin => "it_admin",
        }
    }
}

/// A closed set of values as the API spells them: the enum, its `ToSchema` (so the OpenAPI
/// document lists the values), the wire spelling and a lookup by it.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:tt,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $(#[serde(rename = $s)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)+
                }
            }

            /// The value spelled `s`, if any.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// Whether an order was paid when taken (R-ORD-1).
    PaymentStatus { Paid => "paid", Unpaid => "unpaid", Cod => "cod", }
}

wire_enum! {
    /// Where a deadline stands: done in time, done late, still running, or past and not done.
    DeadlineState { Met => "met", Missed => "missed", Open => "open", Overdue => "overdue", }
}

wire_enum! {
    /// What happened to an order (its event log, R-ORD-2..6, R-ORD-10).
    OrderEventKind {
        Accepted => "accepted",
        CustomerContacted => "customer_contacted",
        PaymentVerified => "payment_verified",
        PaymentAbnormal => "payment_abnormal",
        RemarkAdded => "remark_added",
        PickedChecked => "picked_checked",
        Shipped => "shipped",
        Delivered => "delivered",
        Cancelled => "cancelled",
        PriceHeld => "price_held",
        PriceReleased => "price_released",
    }
}

wire_enum! {
    /// A product's lifecycle (R-PRD-1..4).
    ProductStatus {
        Draft => "draft",
        PendingListing => "pending_listing",
        Listed => "listed",
        Delisted => "delisted",
    }
}

wire_enum! {
    /// A staff level (R-ATT-9): `P` professional staff, `M` management.
    StaffLevel { P => "P", M => "M", }
}

wire_enum! {
    /// The kind of an after-sales case (R-AFS-1).
    CaseKind {
        Return => "return",
        Exchange => "exchange",
        Refund => "refund",
        Reissue => "reissue",
        Repair => "repair",
        Complaint => "complaint",
        Dispute => "dispute",
        Review => "review",
        LogisticsException => "logistics_exception",
    }
}

wire_enum! {
    /// Where an after-sales case stands.
    CaseStatus { Open => "open", InProgress => "in_progress", Resolved => "resolved", Closed => "closed", }
}

wire_enum! {
    /// What became of a row of a punch import that was not recorded now.
    PunchImportOutcome { AlreadyRecorded => "already_recorded", Error => "error", }
}

wire_enum! {
    /// How a punch was recorded.
    PunchSource { Web => "web", Device => "device", Correction => "correction", }
}

wire_enum! {
    /// How an arrival or a departure was judged (R-ATT-2..4).
    LapseKind { OnTime => "on_time", Late => "late", Early => "early", Absent => "absent", }
}

wire_enum! {
    /// Whether a stocktake is still being counted.
    StocktakeState { Open => "open", Posted => "posted", }
}

wire_enum! {
    /// The outcome of one import row.
    ImportOutcome { Created => "created", Valid => "valid", Error => "error", }
}

wire_enum! {
    /// Where a price in a product's history came from.
    PriceSource { Initial => "initial", PriceChange => "price_change", Promotion => "promotion", }
}

wire_enum! {
    /// What an attachment is (R-PUB-3 limits its size per kind).
    AttachmentKind { Image => "image", Video => "video", Document => "document", }
}

wire_enum! {
    /// A deadline the department answers for.
    DeadlineKind { Contact => "contact", Complaint => "complaint", Publication => "publication", }
}

#[cfg(test)]
mod wire_enum_tests {
    use super::*;

    fn round_trip<T: Serialize + PartialEq + std::fmt::Debug + Copy>(
        all: &[T],
        s: fn(T) -> &'static str,
        p: fn(&str) -> Option<T>,
    ) {
        for v in all {
            assert_eq!(p(s(*v)), Some(*v));
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::String(s(*v).to_owned()))
            );
        }
    }

    #[test]
    fn wire_enums_serialize_as_their_spelling() {
        round_trip(
            PaymentStatus::ALL,
            PaymentStatus::as_str,
            PaymentStatus::parse,
        );
        round_trip(
            DeadlineState::ALL,
            DeadlineState::as_str,
            DeadlineState::parse,
        );
        round_trip(
            OrderEventKind::ALL,
            OrderEventKind::as_str,
            OrderEventKind::parse,
        );
        round_trip(
            ProductStatus::ALL,
            ProductStatus::as_str,
            ProductStatus::parse,
        );
        round_trip(StaffLevel::ALL, StaffLevel::as_str, StaffLevel::parse);
        round_trip(CaseKind::ALL, CaseKind::as_str, CaseKind::parse);
        round_trip(CaseStatus::ALL, CaseStatus::as_str, CaseStatus::parse);
        round_trip(PunchSource::ALL, PunchSource::as_str, PunchSource::parse);
        round_trip(LapseKind::ALL, LapseKind::as_str, LapseKind::parse);
        round_trip(
            StocktakeState::ALL,
            StocktakeState::as_str,
            StocktakeState::parse,
        );
        round_trip(
            ImportOutcome::ALL,
            ImportOutcome::as_str,
            ImportOutcome::parse,
        );
        round_trip(PriceSource::ALL, PriceSource::as_str, PriceSource::parse);
        round_trip(
            PunchImportOutcome::ALL,
            PunchImportOutcome::as_str,
            PunchImportOutcome::parse,
        );
        round_trip(
            AttachmentKind::ALL,
            AttachmentKind::as_str,
            AttachmentKind::parse,
        );
        round_trip(DeadlineKind::ALL, DeadlineKind::as_str, DeadlineKind::parse);
    }
}
