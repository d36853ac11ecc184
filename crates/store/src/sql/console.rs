//! Console accounts in SQL: users, sessions, API tokens, one-time links.

use async_trait::async_trait;
use roster_core::{TenantId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::rows::{corrupt, optional_timestamp, single_count, timestamp};
use crate::error::StoreError;
use crate::ports::console::{
    ApiToken, Console, ConsoleRole, ConsoleUser, Credentialed, NewApiToken, NewConsoleUser,
    OneTimeLink, OneTimePurpose, SessionPrincipal,
};

const USER_COLUMNS: &str = "u.id, u.tenant_id, u.email, u.role, u.created_at";
const TOKEN_COLUMNS: &str = "id, name, prefix, user_id, created_at, last_used_at, revoked_at";

fn user(row: &AnyRow) -> Result<ConsoleUser, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(ConsoleUser {
        id: row.try_get("id")?,
        tenant_id: TenantId::parse(row.try_get("tenant_id")?).map_err(corrupt)?,
        email: row.try_get("email")?,
        role: ConsoleRole::parse(&role).ok_or_else(|| corrupt(format!("console role {role}")))?,
        created_at: timestamp(row, "created_at")?,
    })
}

fn token(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        user_id: row.try_get("user_id")?,
        created_at: timestamp(row, "created_at")?,
        last_used_at: optional_timestamp(row, "last_used_at")?,
        revoked_at: optional_timestamp(row, "revoked_at")?,
    })
}

fn link(row: &AnyRow) -> Result<OneTimeLink, StoreError> {
    let purpose: String = row.try_get("purpose")?;
    let user_id: Option<String> = row.try_get("user_id")?;
    let purpose = match (purpose.as_str(), user_id) {
        // An invitation is a setup link bound to the invited (pre-created) user.
        ("setup", Some(user_id)) => OneTimePurpose::Invite { user_id },
        ("setup", None) => OneTimePurpose::Setup,
        ("signin", Some(user_id)) => OneTimePurpose::SignIn { user_id },
        (other, _) => return Err(corrupt(format!("one-time link purpose {other}"))),
    };
    Ok(OneTimeLink {
        tenant_id: TenantId::parse(row.try_get("tenant_id")?).map_err(corrupt)?,
        purpose,
    })
}

fn unique_violation(e: sqlx::Error, what: &str) -> StoreError {
    if matches!(&e, sqlx::Error::Database(db) if db.is_unique_violation()) {
        StoreError::Conflict(what.to_owned())
    } else {
        e.into()
    }
}

#[async_trait]
impl Console for SqlStore {
    async fn console_user_count(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM console_users")
            .fetch_one(&self.pool)
            .await?;
        single_count(&row)
    }

    async fn create_console_user(
        &self,
        tenant: &TenantId,
        new: &NewConsoleUser,
    ) -> Result<ConsoleUser, StoreError> {
        sqlx::query(
            "INSERT INTO console_users (id, tenant_id, email, password_hash, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&new.id)
        .bind(tenant.as_str())
        .bind(new.email.to_lowercase())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(self.clock.now().to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| unique_violation(e, "a console user with this email exists in this tenant"))?;
        let sql = format!("SELECT {USER_COLUMNS} FROM console_users u WHERE u.id = $1");
        let row = sqlx::query(&sql)
            .bind(&new.id)
            .fetch_one(&self.pool)
            .await?;
        user(&row)
    }

    async fn get_console_user(&self, id: &str) -> Result<ConsoleUser, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM console_users u WHERE u.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("console user {id}")))?;
        user(&row)
    }

    async fn list_console_users(&self, tenant: &TenantId) -> Result<Vec<ConsoleUser>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM console_users u WHERE u.tenant_id = $1 ORDER BY u.created_at, u.id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user).collect()
    }

    async fn set_console_password(
        &self,
        tenant: &TenantId,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE console_users SET password_hash = $1 WHERE tenant_id = $2 AND id = $3",
        )
        .bind(password_hash)
        .bind(tenant.as_str())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("console user {user_id}")));
        }
        Ok(())
    }

    async fn find_console_users(
        &self,
        email: &str,
        limit: u32,
    ) -> Result<Vec<Credentialed>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM console_users u WHERE u.email = $1 \
             ORDER BY u.created_at, u.id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(email.trim().to_lowercase())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Credentialed {
                    user: user(r)?,
                    password_hash: r.try_get("password_hash")?,
                })
            })
            .collect()
    }

    async fn create_one_time_link(
        &self,
        token_hash: &str,
        link: &OneTimeLink,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (purpose, user_id) = match &link.purpose {
            OneTimePurpose::Setup => ("setup", None),
            OneTimePurpose::SignIn { user_id } => ("signin", Some(user_id.clone())),
            OneTimePurpose::Invite { user_id } => ("setup", Some(user_id.clone())),
        };
        sqlx::query(
            "INSERT INTO setup_tokens (token_hash, tenant_id, purpose, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(link.tenant_id.as_str())
        .bind(purpose)
        .bind(user_id)
        .bind(self.clock.now().to_string())
        .bind(expires_at.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn peek_one_time_link(
        &self,
        token_hash: &str,
    ) -> Result<Option<OneTimeLink>, StoreError> {
        let row = sqlx::query(
            "SELECT tenant_id, purpose, user_id FROM setup_tokens \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(self.clock.now().to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(link).transpose()
    }

    async fn take_one_time_link(
        &self,
        token_hash: &str,
    ) -> Result<Option<OneTimeLink>, StoreError> {
        let now = self.clock.now().to_string();
        let row = sqlx::query(
            "UPDATE setup_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING tenant_id, purpose, user_id",
        )
        .bind(&now)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(link).transpose()
    }

    async fn create_session(
        &self,
        id_hash: &str,
        user: &ConsoleUser,
        csrf_token: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO console_sessions (id_hash, user_id, tenant_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(&user.id)
        .bind(user.tenant_id.as_str())
        .bind(csrf_token)
        .bind(self.clock.now().to_string())
        .bind(expires_at.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_principal(
        &self,
        id_hash: &str,
    ) -> Result<Option<SessionPrincipal>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token FROM console_sessions s \
             JOIN console_users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(id_hash)
            .bind(self.clock.now().to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SessionPrincipal {
                user: user(&r)?,
                csrf_token: r.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM console_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        tenant: &TenantId,
        new: &NewApiToken,
    ) -> Result<ApiToken, StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, prefix, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&new.id)
        .bind(tenant.as_str())
        .bind(&new.user_id)
        .bind(&new.name)
        .bind(&new.token_hash)
        .bind(&new.prefix)
        .bind(self.clock.now().to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| unique_violation(e, "token exists"))?;
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(&new.id)
            .fetch_one(&self.pool)
            .await?;
        token(&row)
    }

    async fn list_api_tokens(&self, tenant: &TenantId) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE tenant_id = $1 ORDER BY created_at DESC, id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token).collect()
    }

    async fn revoke_api_token(&self, tenant: &TenantId, id: &str) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL",
        )
        .bind(self.clock.now().to_string())
        .bind(tenant.as_str())
        .bind(id)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound(format!("API token {id}")))
        }
    }

    async fn token_principal(&self, token_hash: &str) -> Result<Option<ConsoleUser>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t \
             JOIN console_users u ON u.id = t.user_id AND u.tenant_id = t.tenant_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(self.clock.now().to_string())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        user(&row).map(Some)
    }
}
