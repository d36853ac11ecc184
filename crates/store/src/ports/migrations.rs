//! The schema's state: whether this binary's migrations are all applied.

use async_trait::async_trait;

use crate::error::StoreError;

#[async_trait]
pub trait Migrations: Send + Sync {
    /// The database answers and every embedded migration is applied (`/readyz`).
    async fn migrations_current(&self) -> Result<bool, StoreError>;
}
