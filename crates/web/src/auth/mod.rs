//! Who is asking: console sessions (cookie + CSRF token) and API tokens
//! (`Authorization: Bearer`), passwords (Argon2id), sign-in rate limits,
//! and the first admin's one-time setup link.

pub mod any_role;
pub mod bootstrap;
pub mod login_csrf;
pub mod password;
pub mod principal;
pub mod ratelimit;
pub mod secrets;
pub mod session;

pub use any_role::{AnyRole, AnyRolePoster, landing};
pub use principal::{ApiWriter, Principal};
