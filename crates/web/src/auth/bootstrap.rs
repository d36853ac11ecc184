//! First start: with no console user, a one-time setup link for the first
//! admin; in the demo, an admin created up front and a one-time sign-in link.

use roster_core::TenantId;
use roster_store::{ConsoleRole, NewConsoleUser, OneTimeLink, OneTimePurpose, Store};

use crate::auth::password;
use crate::auth::secrets::{random_token, sha256_hex, timestamp_in};
use crate::error::WebError;

const LINK_LIFETIME_S: i64 = 24 * 3600;

/// What `roster serve` / `roster demo` prints at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bootstrap {
    /// Path of the one-time page that creates the first admin.
    SetupLink(String),
    /// Path of a one-time sign-in link for the demo admin.
    SignInLink { path: String, email: String },
    /// Users exist: nothing to print.
    Ready,
}

async fn link(
    store: &dyn Store,
    tenant: &TenantId,
    purpose: OneTimePurpose,
) -> Result<String, WebError> {
    let token = random_token();
    let link = OneTimeLink {
        tenant_id: tenant.clone(),
        purpose,
    };
    store
        .create_one_time_link(
            &sha256_hex(&token),
            &link,
            timestamp_in(store.clock(), LINK_LIFETIME_S),
        )
        .await?;
    Ok(token)
}

/// `demo_admin`: create (if needed) this admin and return a sign-in link.
pub async fn bootstrap(store: &dyn Store, demo_admin: Option<&str>) -> Result<Bootstrap, WebError> {
    let tenant = TenantId::default_tenant();
    if let Some(email) = demo_admin {
        let existing = store.list_console_users(&tenant).await?;
        let user = if let Some(u) = existing.into_iter().find(|u| u.email == email) {
            u
        } else {
            let new = NewConsoleUser {
                id: format!("usr_{}", &sha256_hex(&random_token())[..16]),
                email: email.to_owned(),
                password_hash: password::hash(&random_token()).await?,
                role: ConsoleRole::Admin,
            };
            store.create_console_user(&tenant, &new).await?
        };
        let token = link(
            store,
            &user.tenant_id,
            OneTimePurpose::SignIn { user_id: user.id },
        )
        .await?;
        return Ok(Bootstrap::SignInLink {
            path: format!("/signin/link/{token}"),
            email: email.to_owned(),
        });
    }
    if store.console_user_count().await? > 0 {
        return Ok(Bootstrap::Ready);
    }
    let token = link(store, &tenant, OneTimePurpose::Setup).await?;
    Ok(Bootstrap::SetupLink(format!("/setup/{token}")))
}
