//! `roster tenant create|list`: customer workspaces, for instance operators.

use roster_core::TenantId;
use serde_json::json;

use crate::exit::CliError;
use crate::platform_args::TenantCmd;

pub async fn run(cmd: TenantCmd) -> Result<(), CliError> {
    match cmd {
        TenantCmd::Create { id, name, db } => {
            let tenant = TenantId::parse(&id).map_err(|e| CliError::Usage(e.to_string()))?;
            let store = roster_store::connect(&db.database_url).await?;
            store
                .create_tenant(&tenant, name.as_deref().unwrap_or(&id))
                .await?;
            println!("Created tenant {tenant}.");
        }
        TenantCmd::List { out, db } => {
            let store = roster_store::connect(&db.database_url).await?;
            let tenants = store.list_tenants().await?;
            let list: Vec<_> = tenants
                .iter()
                .map(|t| json!({"id": t.id, "name": t.name, "created_at": t.created_at}))
                .collect();
            if !crate::output::print_data(out.format(), &serde_json::Value::Array(list))? {
                for t in tenants {
                    println!("{:<24} {}", t.id, t.name);
                }
            }
        }
    }
    Ok(())
}
