//! The department's figures (R-REP-4) as aggregate SQL: the database counts and sums, the server
//! receives one row per group. Each query is written once with two dialect details filled in (a
//! timestamp's company-time day, the seconds between two timestamps) and run on either backend.

use super::to_db;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

#[derive(Clone, Copy)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The company-time day (`YYYY-MM-DD`) of a UTC timestamp column, `offset` seconds east.
    fn day(self, col: &str, offset: i32) -> String {
        match self {
            Dialect::Sqlite => format!("date({col}, '{offset:+} seconds')"),
            Dialect::Postgres => {
                format!("to_char({col} + INTERVAL '{offset} seconds', 'YYYY-MM-DD')")
            }
        }
    }

    /// Seconds from `a` to `b`, as a double.
    fn seconds(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("((julianday({b}) - julianday({a})) * 86400.0)"),
            Dialect::Postgres => {
                format!("CAST(EXTRACT(EPOCH FROM ({b} - {a})) AS DOUBLE PRECISION)")
            }
        }
    }

    /// The `n`th bind placeholder (numbered on both, so a query may name them in any order).
    fn p(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }
}

fn dialect(conn: &AnyConnection) -> Dialect {
    match conn {
        AnyConnection::Sqlite(_) => Dialect::Sqlite,
        AnyConnection::Postgresql(_) => Dialect::Postgres,
    }
}

/// Runs `sql` with the period `[from, to)` as its first two binds (and `now` as the third when
/// `with_now`).
fn load<T>(
    conn: &mut AnyConnection,
    sql: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: Option<DateTime<Utc>>,
) -> StoreResult<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    let (from, to) = (to_db(from), to_db(to));
    Ok(match conn {
        AnyConnection::Sqlite(c) => {
            let q = diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to);
            match now {
                Some(n) => q.bind::<Timestamp, _>(to_db(n)).load(c)?,
                None => q.load(c)?,
            }
        }
        AnyConnection::Postgresql(c) => {
            let q = diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to);
            match now {
                Some(n) => q.bind::<Timestamp, _>(to_db(n)).load(c)?,
                None => q.load(c)?,
            }
        }
    })
}

/// Orders and their value per company-time day and channel.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayChannel {
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub total_fen: i64,
}

/// Orders created in `[from, to)` per day (company time, `offset` seconds east of UTC) and
/// channel.
pub fn orders_by_day(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
    offset: i32,
) -> StoreResult<Vec<DayChannel>> {
    let d = dialect(conn);
    let day = d.day("created_at", offset);
    let sql = format!(
        "SELECT {day} AS day, channel, COUNT(*) AS orders, \
         CAST(COALESCE(SUM(total_fen), 0) AS BIGINT) AS total_fen \
         FROM orders WHERE created_at >= {} AND created_at < {} \
         GROUP BY {day}, channel ORDER BY day, channel",
        d.p(1),
        d.p(2)
    );
    load(conn, &sql, period, None)
}

/// Orders per channel and current status.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ChannelStatus {
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
}

pub fn orders_by_status(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<Vec<ChannelStatus>> {
    let d = dialect(conn);
    let sql = format!(
        "SELECT o.channel AS channel, s.status AS status, COUNT(*) AS orders \
         FROM orders o JOIN order_status s ON s.order_id = o.id \
         WHERE o.created_at >= {} AND o.created_at < {} \
         GROUP BY o.channel, s.status ORDER BY o.channel, s.status",
        d.p(1),
        d.p(2)
    );
    load(conn, &sql, period, None)
}

/// R-ORD-3 per person who took the orders: contacted by the deadline, not (late, or past it
/// and still not contacted), and still open.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ContactCompliance {
    #[diesel(sql_type = Text)]
    pub person: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub met: i64,
    #[diesel(sql_type = BigInt)]
    pub missed: i64,
}

pub fn contact_compliance(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> StoreResult<Vec<ContactCompliance>> {
    let d = dialect(conn);
    let now_p = d.p(3);
    let sql = format!(
        "SELECT o.created_by AS person, COUNT(*) AS orders, \
         CAST(SUM(CASE WHEN s.contacted_at IS NOT NULL AND s.contacted_at <= s.contact_due_at \
              THEN 1 ELSE 0 END) AS BIGINT) AS met, \
         CAST(SUM(CASE WHEN (s.contacted_at IS NOT NULL AND s.contacted_at > s.contact_due_at) \
              OR (s.contacted_at IS NULL AND s.contact_due_at < {now_p}) THEN 1 ELSE 0 END) AS BIGINT) AS missed \
         FROM orders o JOIN order_status s ON s.order_id = o.id \
         WHERE o.created_at >= {} AND o.created_at < {} \
         GROUP BY o.created_by ORDER BY o.created_by",
        d.p(1),
        d.p(2)
    );
    load(conn, &sql, period, Some(now))
}

/// After-sales cases opened in the period, per kind.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AftersalesKind {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub opened: i64,
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    #[diesel(sql_type = BigInt)]
    pub refund_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub gift_fen: i64,
}

pub fn aftersales_by_kind(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<Vec<AftersalesKind>> {
    let d = dialect(conn);
    let sql = format!(
        "SELECT kind, COUNT(*) AS opened, \
         CAST(SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS closed, \
         CAST(COALESCE(SUM(refund_fen), 0) AS BIGINT) AS refund_fen, \
         CAST(COALESCE(SUM(gift_fen), 0) AS BIGINT) AS gift_fen \
         FROM aftersales_cases WHERE created_at >= {} AND created_at < {} \
         GROUP BY kind ORDER BY kind",
        d.p(1),
        d.p(2)
    );
    load(conn, &sql, period, None)
}

/// Approval requests submitted in the period, per kind: how many, how they stand, the median
/// time to the final decision and how many approved publications missed their deadline.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ApprovalThroughput {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub requests: i64,
    #[diesel(sql_type = BigInt)]
    pub approved: i64,
    #[diesel(sql_type = BigInt)]
    pub rejected: i64,
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    #[diesel(sql_type = BigInt)]
    pub publish_overdue: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub median_decision_secs: Option<f64>,
}

pub fn approval_throughput(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> StoreResult<Vec<ApprovalThroughput>> {
    let d = dialect(conn);
    let secs = d.seconds("created_at", "decided_at");
    let (from, to, now_p) = (d.p(1), d.p(2), d.p(3));
    // The median: the middle one (or the mean of the middle two) of each kind's decided
    // requests, by window functions both databases have.
    let sql = format!(
        "WITH period AS (SELECT * FROM approval_requests WHERE created_at >= {from} AND created_at < {to}), \
         decided AS (SELECT kind, {secs} AS secs, \
             ROW_NUMBER() OVER (PARTITION BY kind ORDER BY {secs}) AS rn, \
             COUNT(*) OVER (PARTITION BY kind) AS n \
             FROM period WHERE decided_at IS NOT NULL AND state IN ('approved', 'rejected')), \
         medians AS (SELECT kind, AVG(secs) AS median_secs FROM decided \
             WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY kind) \
         SELECT p.kind AS kind, COUNT(*) AS requests, \
         CAST(SUM(CASE WHEN p.state = 'approved' THEN 1 ELSE 0 END) AS BIGINT) AS approved, \
         CAST(SUM(CASE WHEN p.state = 'rejected' THEN 1 ELSE 0 END) AS BIGINT) AS rejected, \
         CAST(SUM(CASE WHEN p.state = 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS pending, \
         CAST(SUM(CASE WHEN p.publish_by IS NOT NULL AND ((p.published_at IS NULL AND p.publish_by < {now_p}) \
              OR p.published_at > p.publish_by) THEN 1 ELSE 0 END) AS BIGINT) AS publish_overdue, \
         MAX(m.median_secs) AS median_decision_secs \
         FROM period p LEFT JOIN medians m ON m.kind = p.kind \
         GROUP BY p.kind ORDER BY p.kind"
    );
    load(conn, &sql, period, Some(now))
}

/// One person's orders in the period: how many they took and their value.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PersonOrders {
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub total_fen: i64,
}

/// Runs `sql` with the period's two binds and then the person as the third.
fn load_for<T>(
    conn: &mut AnyConnection,
    sql: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    person: &str,
) -> StoreResult<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    let (from, to) = (to_db(from), to_db(to));
    Ok(match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(sql)
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(to)
            .bind::<Text, _>(person)
            .load(c)?,
        AnyConnection::Postgresql(c) => diesel::sql_query(sql)
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(to)
            .bind::<Text, _>(person)
            .load(c)?,
    })
}

pub fn person_orders(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
    person: uuid::Uuid,
) -> StoreResult<PersonOrders> {
    let d = dialect(conn);
    let sql = format!(
        "SELECT COUNT(*) AS orders, CAST(COALESCE(SUM(total_fen), 0) AS BIGINT) AS total_fen \
         FROM orders WHERE created_at >= {} AND created_at < {} AND created_by = {}",
        d.p(1),
        d.p(2),
        d.p(3)
    );
    Ok(load_for(conn, &sql, period, &person.to_string())?
        .pop()
        .unwrap_or(PersonOrders {
            orders: 0,
            total_fen: 0,
        }))
}

/// One person's after-sales cases: opened by them in the period, and closed in the period among
/// those they own.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PersonCases {
    #[diesel(sql_type = BigInt)]
    pub opened: i64,
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
}

pub fn person_cases(
    conn: &mut AnyConnection,
    period: (DateTime<Utc>, DateTime<Utc>),
    person: uuid::Uuid,
) -> StoreResult<PersonCases> {
    let d = dialect(conn);
    let (from, to, who) = (d.p(1), d.p(2), d.p(3));
    let sql = format!(
        "SELECT \
         CAST(COALESCE(SUM(CASE WHEN created_by = {who} AND created_at >= {from} AND created_at < {to} \
              THEN 1 ELSE 0 END), 0) AS BIGINT) AS opened, \
         CAST(COALESCE(SUM(CASE WHEN owner_id = {who} AND closed_at >= {from} AND closed_at < {to} \
              THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed \
         FROM aftersales_cases WHERE created_by = {who} OR owner_id = {who}"
    );
    Ok(load_for(conn, &sql, period, &person.to_string())?
        .pop()
        .unwrap_or(PersonCases {
            opened: 0,
            closed: 0,
        }))
}
