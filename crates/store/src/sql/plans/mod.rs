//! The query plans of the directory's key reads and writes on `SQLite`:
//! each searches an index (migrations 0008 and 0014 say which serves which;
//! 0022 keys them by `source_key` and a membership's `group_key` and
//! `user_key`), none scans a directory, staging or `id_keys` table.
//!
//! The statements are those the store runs, built from the same helpers
//! where the store has them, with the same shape where it builds them inline
//! (named after the function they mirror).
//!
//! `fixture` builds the store the plans are read from, `explain` reads a
//! plan and says what a good one looks like; the tests are grouped by what
//! they cover: `directory_reads` (pages, searches and lookups of a
//! snapshot), `group_members` (a group's members, both ways), `versioning`
//! (publishing and the version indexes) and `reviews` (review populations
//! and remediation).

#![allow(clippy::unwrap_used)]

mod directory_reads;
mod explain;
pub(super) mod fixture;
mod group_members;
mod reviews;
mod versioning;
