//! The API over real HTTP, every test on SQLite and on PostgreSQL.

mod admission;
mod aftersales;
mod api_tokens;
mod approvals;
mod attendance;
mod audit;
mod auth;
mod bootstrap;
mod concurrency;
mod contract;
mod dashboard;
mod departures;
mod duty;
mod late_leave;
mod migrations;
mod openapi;
mod orders;
mod page_revisions;
mod passwords;
mod products;
mod promotions;
mod punch_import;
mod stocktakes;
mod swaps;
mod users;
mod workdays;
