//! Access reviews through the console and the API: a reviewer sees and
//! decides only their own items, nobody reviews their own access (even
//! through the API), every form needs its CSRF token, NUL is refused,
//! another tenant's campaign is not found, and a whole campaign runs from
//! the "new campaign" form to a bundle that verifies. One test binary; the
//! cases live by topic in the modules below, their setup in `helpers`.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod campaign;
mod decisions;
mod helpers;
mod queues;
mod refused;
