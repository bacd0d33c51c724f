//! Customers (R-ORD-9): contact data, classification, and the confirmed "bad customer" flag.

use super::{from_db, parse_uuid, to_db};
use crate::schema::customers;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub classification: String,
    pub bad_customer: bool,
    pub bad_customer_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = customers)]
struct Row {
    id: String,
    name: String,
    phone: String,
    email: Option<String>,
    address: String,
    classification: String,
    bad_customer: i32,
    bad_customer_reason: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl Row {
    fn into_customer(self) -> StoreResult<Customer> {
        Ok(Customer {
            id: parse_uuid(&self.id)?,
            name: self.name,
            phone: self.phone,
            email: self.email,
            address: self.address,
            classification: self.classification,
            bad_customer: self.bad_customer != 0,
            bad_customer_reason: self.bad_customer_reason,
            created_by: parse_uuid(&self.created_by)?,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            version: self.version,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, c: &Customer) -> StoreResult<()> {
    diesel::insert_into(customers::table)
        .values((
            customers::id.eq(c.id.to_string()),
            customers::name.eq(&c.name),
            customers::phone.eq(&c.phone),
            customers::email.eq(&c.email),
            customers::address.eq(&c.address),
            customers::classification.eq(&c.classification),
            customers::bad_customer.eq(0),
            customers::created_by.eq(c.created_by.to_string()),
            customers::created_at.eq(to_db(c.created_at)),
            customers::updated_at.eq(to_db(c.updated_at)),
            customers::version.eq(1_i64),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Customer>> {
    customers::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_customer)
        .transpose()
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Customer> {
    find(conn, id)?.ok_or(StoreError::NotFound)
}

/// The customer with this phone number, if any (the natural key channels send).
pub fn find_by_phone(conn: &mut AnyConnection, phone: &str) -> StoreResult<Option<Customer>> {
    customers::table
        .filter(customers::phone.eq(phone))
        .order(customers::id.asc())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_customer)
        .transpose()
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub classification: Option<String>,
    pub bad_customer: Option<bool>,
    pub search: Option<String>,
}

pub fn list(
    conn: &mut AnyConnection,
    f: &CustomerFilter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Customer>> {
    let mut q = customers::table.select(Row::as_select()).into_boxed();
    if let Some(b) = before {
        q = q.filter(customers::id.lt(b.to_owned()));
    }
    if let Some(c) = &f.classification {
        q = q.filter(customers::classification.eq(c.clone()));
    }
    if let Some(b) = f.bad_customer {
        q = q.filter(customers::bad_customer.eq(i32::from(b)));
    }
    if let Some(s) = &f.search {
        let pattern = format!("%{}%", s.replace(['\\', '%', '_'], ""));
        q = q.filter(
            customers::name
                .like(pattern.clone())
                .or(customers::phone.like(pattern)),
        );
    }
    let rows: Vec<Row> = q.order(customers::id.desc()).limit(limit).load(conn)?;
    rows.into_iter().map(Row::into_customer).collect()
}

/// Counts by classification, for statistics (R-ORD-9).
pub fn count_by_classification(conn: &mut AnyConnection) -> StoreResult<Vec<(String, i64)>> {
    use diesel::dsl::count_star;
    Ok(customers::table
        .group_by(customers::classification)
        .select((customers::classification, count_star()))
        .order(customers::classification.asc())
        .load(conn)?)
}

/// Contact data and classification; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub classification: Option<String>,
}

pub fn update(
    conn: &mut AnyConnection,
    id: Uuid,
    expected: i64,
    ch: &CustomerChanges,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let key = id.to_string();
    let n = diesel::update(
        customers::table
            .filter(customers::id.eq(&key))
            .filter(customers::version.eq(expected)),
    )
    .set((
        customers::version.eq(expected + 1),
        customers::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    let t = customers::table.find(&key);
    if let Some(v) = &ch.name {
        diesel::update(t).set(customers::name.eq(v)).execute(conn)?;
    }
    if let Some(v) = &ch.phone {
        diesel::update(t)
            .set(customers::phone.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = &ch.email {
        diesel::update(t)
            .set(customers::email.eq(Some(v)))
            .execute(conn)?;
    }
    if let Some(v) = &ch.address {
        diesel::update(t)
            .set(customers::address.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = &ch.classification {
        diesel::update(t)
            .set(customers::classification.eq(v))
            .execute(conn)?;
    }
    Ok(true)
}

/// Sets the bad-customer flag (only as the effect of an approved request).
pub fn set_bad(
    conn: &mut AnyConnection,
    id: Uuid,
    bad: bool,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(customers::table.find(id.to_string()))
        .set((
            customers::bad_customer.eq(i32::from(bad)),
            customers::bad_customer_reason.eq(reason),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
