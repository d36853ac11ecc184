//! Console accounts: users who sign in, sessions, API tokens and one-time
//! links. The store only ever sees hashes of secrets, never the secrets.

use async_trait::async_trait;
use roster_core::{TenantId, Timestamp};
use serde::Serialize;

use crate::error::StoreError;

/// What a console user may do: `admin` changes things, `auditor` reads,
/// `reviewer` sees and decides only the access-review items assigned to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsoleRole {
    Admin,
    Auditor,
    Reviewer,
}

impl ConsoleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Auditor => "auditor",
            Self::Reviewer => "reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Admin, Self::Auditor, Self::Reviewer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A person who signs in to the console.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleUser {
    pub id: String,
    pub tenant_id: TenantId,
    pub email: String,
    pub role: ConsoleRole,
    pub created_at: Timestamp,
}

/// A console user with the Argon2id PHC string of their password (for sign-in).
#[derive(Debug, Clone)]
pub struct Credentialed {
    pub user: ConsoleUser,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewConsoleUser {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: ConsoleRole,
}

/// A signed-in browser: the user and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionPrincipal {
    pub user: ConsoleUser,
    pub csrf_token: String,
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub user_id: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
}

/// What a one-time link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneTimePurpose {
    /// Create the first admin of the tenant.
    Setup,
    /// Sign in as this user (the demo's printed link).
    SignIn { user_id: String },
    /// An invited user (created with an unusable password) sets a password once.
    Invite { user_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeLink {
    pub tenant_id: TenantId,
    pub purpose: OneTimePurpose,
}

#[async_trait]
pub trait Console: Send + Sync {
    /// Console users across every tenant (0: the install needs its first admin).
    async fn console_user_count(&self) -> Result<u64, StoreError>;
    async fn create_console_user(
        &self,
        tenant: &TenantId,
        new: &NewConsoleUser,
    ) -> Result<ConsoleUser, StoreError>;
    async fn get_console_user(&self, id: &str) -> Result<ConsoleUser, StoreError>;
    /// The tenant's console users, oldest first.
    async fn list_console_users(&self, tenant: &TenantId) -> Result<Vec<ConsoleUser>, StoreError>;
    /// Replaces the password hash of `user_id` in `tenant` (an accepted invitation).
    async fn set_console_password(
        &self,
        tenant: &TenantId,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError>;
    /// The accounts of `email` (compared case-insensitively) in every
    /// tenant, oldest first, at most `limit`: an email is unique within a
    /// tenant only, so one person may hold an account in several.
    async fn find_console_users(
        &self,
        email: &str,
        limit: u32,
    ) -> Result<Vec<Credentialed>, StoreError>;

    async fn create_one_time_link(
        &self,
        token_hash: &str,
        link: &OneTimeLink,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The link if it exists, is unused and unexpired (does not consume it).
    async fn peek_one_time_link(&self, token_hash: &str)
    -> Result<Option<OneTimeLink>, StoreError>;
    /// Consumes the link atomically: only one caller ever gets `Some`.
    async fn take_one_time_link(&self, token_hash: &str)
    -> Result<Option<OneTimeLink>, StoreError>;

    async fn create_session(
        &self,
        id_hash: &str,
        user: &ConsoleUser,
        csrf_token: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The session's user, if the session exists and has not expired.
    async fn session_principal(
        &self,
        id_hash: &str,
    ) -> Result<Option<SessionPrincipal>, StoreError>;
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;

    async fn create_api_token(
        &self,
        tenant: &TenantId,
        new: &NewApiToken,
    ) -> Result<ApiToken, StoreError>;
    async fn list_api_tokens(&self, tenant: &TenantId) -> Result<Vec<ApiToken>, StoreError>;
    async fn revoke_api_token(&self, tenant: &TenantId, id: &str) -> Result<(), StoreError>;
    /// The owner of an unrevoked token; records its use.
    async fn token_principal(&self, token_hash: &str) -> Result<Option<ConsoleUser>, StoreError>;
}
