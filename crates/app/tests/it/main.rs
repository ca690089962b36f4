#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one integration-test binary: the application driven through its router, on SQLite and,
//! when `TEST_DATABASE_URL` is set, again on PostgreSQL.

mod support;

mod access;
mod api;
mod audit;
mod cli;
mod demo;
mod input;
mod json_schema;
mod openapi_conformance;
mod pathways;
mod permissions;
mod persons;
mod reports;
mod scope;
mod territory;
mod write_audit;
