//! The domain's closed sets as the API spells them (`ecops_api_types`). Exhaustive matches, so a
//! variant added to the domain does not compile until the wire has it too.

use crate::error::{ApiError, ApiResult};
use ecops_api_types as api;
use ecops_domain::approval::{ApprovalKind, ApprovalState, Verdict};
use ecops_domain::order::{DeadlineOutcome, EventKind, OrderStatus};
use ecops_domain::product::ProductStatus;
use ecops_domain::StaffLevel;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::attendance::Source;

pub fn job_role(r: JobRole) -> api::JobRole {
    match r {
        JobRole::GeneralManager => api::JobRole::GeneralManager,
        JobRole::MarketingDirector => api::JobRole::MarketingDirector,
        JobRole::DeptManager => api::JobRole::DeptManager,
        JobRole::Planner => api::JobRole::Planner,
        JobRole::StorefrontSpecialist => api::JobRole::StorefrontSpecialist,
        JobRole::Designer => api::JobRole::Designer,
        JobRole::CustomerService => api::JobRole::CustomerService,
        JobRole::CsSupervisor => api::JobRole::CsSupervisor,
        JobRole::QaInspector => api::JobRole::QaInspector,
        JobRole::Warehouse => api::JobRole::Warehouse,
        JobRole::ItAdmin => api::JobRole::ItAdmin,
    }
}

/// A role named on the wire, as the domain knows it.
pub fn role_to_domain(r: api::JobRole) -> JobRole {
    match r {
        api::JobRole::GeneralManager => JobRole::GeneralManager,
        api::JobRole::MarketingDirector => JobRole::MarketingDirector,
        api::JobRole::DeptManager => JobRole::DeptManager,
        api::JobRole::Planner => JobRole::Planner,
        api::JobRole::StorefrontSpecialist => JobRole::StorefrontSpecialist,
        api::JobRole::Designer => JobRole::Designer,
        api::JobRole::CustomerService => JobRole::CustomerService,
        api::JobRole::CsSupervisor => JobRole::CsSupervisor,
        api::JobRole::QaInspector => JobRole::QaInspector,
        api::JobRole::Warehouse => JobRole::Warehouse,
        api::JobRole::ItAdmin => JobRole::ItAdmin,
    }
}

pub fn permission_level(l: PermissionLevel) -> api::PermissionLevel {
    match l {
        PermissionLevel::Viewer => api::PermissionLevel::Viewer,
        PermissionLevel::Operator => api::PermissionLevel::Operator,
        PermissionLevel::DbAdmin => api::PermissionLevel::DbAdmin,
    }
}

pub fn approval_kind(k: ApprovalKind) -> api::ApprovalKind {
    match k {
        ApprovalKind::Listing => api::ApprovalKind::Listing,
        ApprovalKind::AbnormalDelisting => api::ApprovalKind::AbnormalDelisting,
        ApprovalKind::PriceChange => api::ApprovalKind::PriceChange,
        ApprovalKind::Promotion => api::ApprovalKind::Promotion,
        ApprovalKind::ConfidentialInfo => api::ApprovalKind::ConfidentialInfo,
        ApprovalKind::PageRevision => api::ApprovalKind::PageRevision,
        ApprovalKind::News => api::ApprovalKind::News,
        ApprovalKind::PermissionLevel => api::ApprovalKind::PermissionLevel,
        ApprovalKind::BadCustomer => api::ApprovalKind::BadCustomer,
        ApprovalKind::Leave => api::ApprovalKind::Leave,
        ApprovalKind::OfficialAccountChange => api::ApprovalKind::OfficialAccountChange,
        ApprovalKind::ShiftSwap => api::ApprovalKind::ShiftSwap,
        ApprovalKind::PunchCorrection => api::ApprovalKind::PunchCorrection,
        ApprovalKind::Delegation => api::ApprovalKind::Delegation,
        ApprovalKind::ServicePhrase => api::ApprovalKind::ServicePhrase,
    }
}

pub fn approval_state(s: ApprovalState) -> api::ApprovalState {
    match s {
        ApprovalState::Pending => api::ApprovalState::Pending,
        ApprovalState::Approved => api::ApprovalState::Approved,
        ApprovalState::Rejected => api::ApprovalState::Rejected,
        ApprovalState::Withdrawn => api::ApprovalState::Withdrawn,
    }
}

pub fn verdict(v: Verdict) -> api::Verdict {
    match v {
        Verdict::Approve => api::Verdict::Approve,
        Verdict::Reject => api::Verdict::Reject,
    }
}

pub fn order_status(s: OrderStatus) -> api::OrderStatus {
    match s {
        OrderStatus::Accepted => api::OrderStatus::Accepted,
        OrderStatus::Verified => api::OrderStatus::Verified,
        OrderStatus::OnHold => api::OrderStatus::OnHold,
        OrderStatus::PriceHold => api::OrderStatus::PriceHold,
        OrderStatus::Checked => api::OrderStatus::Checked,
        OrderStatus::Shipped => api::OrderStatus::Shipped,
        OrderStatus::Delivered => api::OrderStatus::Delivered,
        OrderStatus::Cancelled => api::OrderStatus::Cancelled,
    }
}

pub fn event_kind(k: EventKind) -> api::OrderEventKind {
    match k {
        EventKind::Accepted => api::OrderEventKind::Accepted,
        EventKind::CustomerContacted => api::OrderEventKind::CustomerContacted,
        EventKind::PaymentVerified => api::OrderEventKind::PaymentVerified,
        EventKind::PaymentAbnormal => api::OrderEventKind::PaymentAbnormal,
        EventKind::RemarkAdded => api::OrderEventKind::RemarkAdded,
        EventKind::PickedChecked => api::OrderEventKind::PickedChecked,
        EventKind::Shipped => api::OrderEventKind::Shipped,
        EventKind::Delivered => api::OrderEventKind::Delivered,
        EventKind::Cancelled => api::OrderEventKind::Cancelled,
        EventKind::PriceHeld => api::OrderEventKind::PriceHeld,
        EventKind::PriceReleased => api::OrderEventKind::PriceReleased,
    }
}

pub fn deadline_state(o: DeadlineOutcome) -> api::DeadlineState {
    match o {
        DeadlineOutcome::Met => api::DeadlineState::Met,
        DeadlineOutcome::Missed => api::DeadlineState::Missed,
        DeadlineOutcome::Open => api::DeadlineState::Open,
        DeadlineOutcome::Overdue => api::DeadlineState::Overdue,
    }
}

pub fn product_status(s: ProductStatus) -> api::ProductStatus {
    match s {
        ProductStatus::Draft => api::ProductStatus::Draft,
        ProductStatus::PendingListing => api::ProductStatus::PendingListing,
        ProductStatus::Listed => api::ProductStatus::Listed,
        ProductStatus::Delisted => api::ProductStatus::Delisted,
    }
}

pub fn staff_level(l: StaffLevel) -> api::StaffLevel {
    match l {
        StaffLevel::P => api::StaffLevel::P,
        StaffLevel::M => api::StaffLevel::M,
    }
}

pub fn punch_source(s: &Source) -> api::PunchSource {
    match s {
        Source::Web => api::PunchSource::Web,
        Source::Device { .. } => api::PunchSource::Device,
        Source::Correction { .. } => api::PunchSource::Correction,
    }
}

/// A closed-set value the database keeps as text, read back into its wire enum. A value outside
/// the set is stored data gone bad: an internal error, never a silent default.
pub fn stored<T>(what: &str, s: &str, parse: fn(&str) -> Option<T>) -> ApiResult<T> {
    parse(s).ok_or_else(|| ApiError::internal(format!("stored {what} `{s}` is not a known value")))
}

pub fn day_kind(k: &ecops_domain::workdays::DayKind) -> api::DayKind {
    use ecops_domain::workdays::DayKind as D;
    match k {
        D::Working => api::DayKind::Working,
        D::MakeUpWorkday => api::DayKind::MakeUpWorkday,
        D::RestDay => api::DayKind::RestDay,
        D::Holiday => api::DayKind::Holiday,
    }
}

pub fn day_status(s: ecops_app::attendance_month::DayStatus) -> api::DayStatus {
    use ecops_app::attendance_month::DayStatus as S;
    match s {
        S::NotEmployed => api::DayStatus::NotEmployed,
        S::Off => api::DayStatus::Off,
        S::Upcoming => api::DayStatus::Upcoming,
        S::Judged => api::DayStatus::Judged,
    }
}

pub fn calendar_kind(k: ecops_domain::workdays::CalendarKind) -> api::CalendarKind {
    use ecops_domain::workdays::CalendarKind as K;
    match k {
        K::Holiday => api::CalendarKind::Holiday,
        K::Workday => api::CalendarKind::Workday,
    }
}

pub fn calendar_kind_in(k: api::CalendarKind) -> ecops_domain::workdays::CalendarKind {
    use ecops_domain::workdays::CalendarKind as K;
    match k {
        api::CalendarKind::Holiday => K::Holiday,
        api::CalendarKind::Workday => K::Workday,
    }
}

pub fn missing_punch_rule(r: ecops_domain::attendance::MissingPunchRule) -> api::MissingPunchRule {
    use ecops_domain::attendance::MissingPunchRule as R;
    match r {
        R::AbsenceOnConfirmation => api::MissingPunchRule::AbsenceOnConfirmation,
        R::JudgedByPunches => api::MissingPunchRule::JudgedByPunches,
    }
}

pub fn missing_punch_rule_in(
    r: api::MissingPunchRule,
) -> ecops_domain::attendance::MissingPunchRule {
    use ecops_domain::attendance::MissingPunchRule as R;
    match r {
        api::MissingPunchRule::AbsenceOnConfirmation => R::AbsenceOnConfirmation,
        api::MissingPunchRule::JudgedByPunches => R::JudgedByPunches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire spells every value as the domain does (the strings stay what they were).
    #[test]
    fn wire_enums_keep_the_domain_spelling() {
        let same =
            |domain: &str, wire: serde_json::Value| assert_eq!(wire, serde_json::json!(domain));
        for r in JobRole::ALL {
            same(r.as_str(), serde_json::json!(job_role(r)));
        }
        for l in [
            PermissionLevel::Viewer,
            PermissionLevel::Operator,
            PermissionLevel::DbAdmin,
        ] {
            same(l.as_str(), serde_json::json!(permission_level(l)));
            assert_eq!(permission_level(l).as_str(), l.as_str());
        }
        for r in JobRole::ALL {
            assert_eq!(job_role(r).as_str(), r.as_str());
        }
        for k in ApprovalKind::ALL {
            same(k.as_str(), serde_json::json!(approval_kind(k)));
        }
        for s in OrderStatus::ALL {
            same(s.as_str(), serde_json::json!(order_status(s)));
        }
        for s in [
            ApprovalState::Pending,
            ApprovalState::Approved,
            ApprovalState::Rejected,
            ApprovalState::Withdrawn,
        ] {
            same(s.as_str(), serde_json::json!(approval_state(s)));
        }
        for v in [Verdict::Approve, Verdict::Reject] {
            same(v.as_str(), serde_json::json!(verdict(v)));
        }
    }
}
