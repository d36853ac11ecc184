//! `roster users|groups|memberships list`: a snapshot, streamed page by page
//! as a table, a JSON array (AWS field names) or CSV.

use std::io::Write;

use roster_core::TenantId;
use roster_store::{Snapshot, Store};

use crate::args::ListArgs;
use crate::exit::CliError;
use crate::output::{Rows, Writer, groups_rows, membership_rows, user_rows};

const PAGE: u32 = 1_000;

/// The snapshot to read: `--sync`, else the latest of `--source` or the only source.
async fn snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    args: &ListArgs,
) -> Result<Snapshot, CliError> {
    super::resolve::snapshot(store, tenant, args.source.as_deref(), args.sync).await
}

async fn stream<F, Fut>(args: &ListArgs, rows: Rows, mut next_page: F) -> Result<(), CliError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<Vec<String>>, Vec<String>, Option<String>), CliError>>,
{
    let stdout = std::io::stdout();
    let mut out = Writer::new(args.out.format(), rows, stdout.lock())?;
    let mut after = None;
    loop {
        let (cells, json, last) = next_page(after.take()).await?;
        out.write_page(&cells, &json)?;
        match last {
            Some(key) if cells.len() == PAGE as usize => after = Some(key),
            _ => break,
        }
    }
    out.finish()?.flush()?;
    Ok(())
}

async fn open(
    args: &ListArgs,
) -> Result<(std::sync::Arc<dyn Store>, TenantId, Snapshot), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let snap = snapshot(store.as_ref(), &tenant, args).await?;
    Ok((store, tenant, snap))
}

/// Items as JSON text, fields in the model's (AWS's) order.
fn to_json<T: serde::Serialize>(items: &[T]) -> Result<Vec<String>, CliError> {
    items
        .iter()
        .map(|i| serde_json::to_string(i).map_err(|e| CliError::Other(e.into())))
        .collect()
}

pub async fn users(args: ListArgs) -> Result<(), CliError> {
    let (store, tenant, snap) = open(&args).await?;
    stream(&args, user_rows(), |after| {
        let (store, tenant, snap) = (store.clone(), tenant.clone(), snap.clone());
        async move {
            let page = store
                .users_page(&tenant, &snap, after.as_deref(), PAGE)
                .await?;
            let last = page.last().map(|u| u.user_id.to_string());
            Ok((
                page.iter().map(crate::output::user_cells).collect(),
                to_json(&page)?,
                last,
            ))
        }
    })
    .await
}

pub async fn groups(args: ListArgs) -> Result<(), CliError> {
    let (store, tenant, snap) = open(&args).await?;
    stream(&args, groups_rows(), |after| {
        let (store, tenant, snap) = (store.clone(), tenant.clone(), snap.clone());
        async move {
            let page = store
                .groups_page(&tenant, &snap, after.as_deref(), PAGE)
                .await?;
            let last = page.last().map(|g| g.group_id.to_string());
            Ok((
                page.iter().map(crate::output::group_cells).collect(),
                to_json(&page)?,
                last,
            ))
        }
    })
    .await
}

pub async fn memberships(args: ListArgs) -> Result<(), CliError> {
    let (store, tenant, snap) = open(&args).await?;
    stream(&args, membership_rows(), |after| {
        let (store, tenant, snap) = (store.clone(), tenant.clone(), snap.clone());
        async move {
            let page = store
                .memberships_page(&tenant, &snap, after.as_deref(), PAGE)
                .await?;
            let last = page.last().map(|m| m.membership.membership_id.to_string());
            let json = page
                .iter()
                .map(|m| crate::output::membership_json(m).to_string())
                .collect();
            Ok((
                page.iter().map(crate::output::membership_cells).collect(),
                json,
                last,
            ))
        }
    })
    .await
}
