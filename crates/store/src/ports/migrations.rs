//! The schema's state (whether this binary's migrations are all applied)
//! and the end of the store's life (closing it cleanly).

use async_trait::async_trait;

use crate::error::StoreError;

#[async_trait]
pub trait Migrations: Send + Sync {
    /// The database answers and every embedded migration is applied (`/readyz`).
    async fn migrations_current(&self) -> Result<bool, StoreError>;

    /// Closes the store: on `SQLite`, folds the write-ahead log into the
    /// database file and truncates it first. Later calls fail; closing twice
    /// does nothing. (`roster_store::close_all` closes every open store.)
    async fn close(&self) -> Result<(), StoreError>;
}
