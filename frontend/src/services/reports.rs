//! The calls of the reports screen beyond the daily report: the monthly summary, managers' notes
//! beside past days, and the weekly collection's export.

use super::requests::{download_text, request, ApiFailure};
use chrono::NaiveDate;
use ecops_api_types::{
    LateNoteRequest, LateNoteView, MonthlySummaries, MonthlySummaryBody, MonthlySummaryView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// A month's window and summaries (mine, or everyone's for managers).
pub async fn monthly(month: &str) -> Result<MonthlySummaries, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/monthly?month={month}"),
        None,
    )
    .await
}

pub async fn save_monthly(
    month: &str,
    body: &MonthlySummaryBody,
) -> Result<MonthlySummaryView, ApiFailure> {
    request(
        Method::PUT,
        &format!("/api/v1/reports/monthly/{month}"),
        Some(body),
    )
    .await
}

pub async fn late_note(
    user_id: Uuid,
    day: NaiveDate,
    note: &str,
) -> Result<LateNoteView, ApiFailure> {
    let body = LateNoteRequest {
        user_id,
        day,
        note: note.to_owned(),
    };
    request(Method::POST, "/api/v1/reports/daily/notes", Some(&body)).await
}

pub async fn notes(from: NaiveDate, to: NaiveDate) -> Result<Vec<LateNoteView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/daily/notes?from={from}&to={to}"),
        None,
    )
    .await
}

/// The reports of `[from, to]` as a Markdown or CSV file for the weekly collection.
pub async fn export(from: NaiveDate, to: NaiveDate, csv: bool) -> Result<(), ApiFailure> {
    let (format, ext, mime) = if csv {
        ("csv", "csv", "text/csv")
    } else {
        ("markdown", "md", "text/markdown")
    };
    download_text(
        &format!("/api/v1/reports/daily/export?from={from}&to={to}&format={format}"),
        &format!("daily-reports-{from}-{to}.{ext}"),
        mime,
    )
    .await
}

/// My action items still open.
pub async fn my_items() -> Result<Vec<ecops_api_types::ActionItemView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/action-items/mine", None).await
}

pub async fn item_done(id: Uuid) -> Result<ecops_api_types::ActionItemView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/action-items/{id}/done"),
        None,
    )
    .await
}

pub async fn meetings(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ecops_api_types::MeetingView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/meetings?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn record_meeting(
    body: &ecops_api_types::CreateMeetingRequest,
) -> Result<ecops_api_types::MeetingView, ApiFailure> {
    request(Method::POST, "/api/v1/meetings", Some(body)).await
}

/// My statement of the last week or month: as sent, or a draft of the figures now.
pub async fn my_statement(
    kind: ecops_api_types::StatementKind,
) -> Result<ecops_api_types::StatementView, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/statements/mine?kind={}", kind_key(kind)),
        None,
    )
    .await
}

pub async fn send_statement(
    kind: ecops_api_types::StatementKind,
    comment: &str,
) -> Result<ecops_api_types::StatementView, ApiFailure> {
    let body = ecops_api_types::SendStatementRequest {
        kind,
        comment: comment.to_owned(),
    };
    request(Method::POST, "/api/v1/reports/statements", Some(&body)).await
}

/// The period's statements sent, and who has not sent (managers).
pub async fn statements(
    kind: ecops_api_types::StatementKind,
) -> Result<ecops_api_types::StatementsOfPeriod, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/statements?kind={}", kind_key(kind)),
        None,
    )
    .await
}

fn kind_key(kind: ecops_api_types::StatementKind) -> &'static str {
    match kind {
        ecops_api_types::StatementKind::Week => "week",
        ecops_api_types::StatementKind::Month => "month",
    }
}
