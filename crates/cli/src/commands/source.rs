//! `roster source …`: headless management of connections.

use std::sync::Arc;

use roster_aws::Platform;
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::quota::QuotaModel;
use roster_core::{Diagnosis, ExternalId, IdentityStoreId, Region, RoleArn, SourceId, TenantId};
use roster_engine::connection_test::{
    ConnectRequest, StepEvent, StepStatus, test_connection, test_connection_with_access,
};
use roster_engine::{LocationHint, SyncOptions, SyncProgress, sync_source};
use roster_store::{NewSource, Source, SourceStatus, Store};
use serde_json::json;

use crate::args::{DatabaseArgs, Format, OutputArgs};
use crate::exit::CliError;
use crate::output::print_data;
use crate::platform_args::{SourceCmd, SourceKind, TenantArg};
use crate::progress::ProgressView;

const PRINCIPAL_PLACEHOLDER: &str = "<roster's principal ARN>";

fn tenant_of(slug: &str) -> Result<TenantId, CliError> {
    TenantId::parse(slug).map_err(|e| CliError::Usage(e.to_string()))
}

fn source_id(id: &str) -> Result<SourceId, CliError> {
    SourceId::parse(id).map_err(|e| CliError::Usage(e.to_string()))
}

/// roster's principal for trust policies: `ROSTER_PRINCIPAL_ARN`, else `sts:GetCallerIdentity` (the identity customers
/// trust in their role).
pub(crate) async fn platform_principal(platform: &Platform) -> Option<String> {
    if let Ok(arn) = std::env::var("ROSTER_PRINCIPAL_ARN") {
        return Some(arn);
    }
    match platform.principal_arn().await {
        Ok(arn) => Some(arn),
        Err(e) => {
            eprintln!(
                "warning: could not learn roster's AWS principal ({e}); set ROSTER_PRINCIPAL_ARN"
            );
            None
        }
    }
}

fn source_json(source: &Source) -> serde_json::Value {
    json!({
        "id": source.id,
        "tenant": source.tenant_id,
        "name": source.name,
        "status": source.status,
        "role_arn": source.role_arn,
        "external_id": source.external_id.expose(),
        "location": source.location,
        "sync_interval_s": source.sync_interval_s,
        "api_tps": source.api_tps,
        "quota_model": source.quota_model,
        "budget": source.quota_budget,
        "collects_access": source.collects_access,
        "next_sync_at": source.next_sync_at,
        "created_at": source.created_at,
    })
}

pub async fn run(cmd: SourceCmd) -> Result<(), CliError> {
    match cmd {
        SourceCmd::Create {
            name,
            kind,
            tenant,
            out,
            db,
        } => create(name, kind, tenant, out.format(), db).await,
        SourceCmd::Connect {
            id,
            role_arn,
            region,
            identity_store_id,
            collect_access,
            tenant,
            out,
            db,
        } => {
            let target = ConnectTarget {
                id,
                role_arn,
                region,
                identity_store_id,
                collect_access,
            };
            connect(target, tenant, out.format(), db).await
        }
        SourceCmd::List { tenant, out, db } => list(&tenant, out, &db).await,
        SourceCmd::Show {
            id,
            tenant,
            out,
            db,
        } => show(&id, &tenant, out.format(), &db).await,
        SourceCmd::Sync {
            id,
            tenant,
            enqueue,
            out,
            db,
        } => {
            let store = roster_store::connect(&db.database_url).await?;
            let tenant = tenant_of(&tenant.tenant)?;
            let id = source_id(&id)?;
            if enqueue {
                let job = store.enqueue_sync(&tenant, &id, "manual").await?;
                let body = json!({"job_id": job.id, "status": job.status});
                if !print_data(out.format(), &body)? {
                    println!("Queued job {} for source {id}.", job.id);
                }
                return Ok(());
            }
            sync_now(store, &tenant, &id, out.format()).await
        }
        SourceCmd::Interval {
            id,
            hours,
            tenant,
            db,
        } => interval(&id, hours, &tenant, &db).await,
        SourceCmd::Rate {
            id,
            tps,
            default,
            quota_model,
            budget,
            tenant,
            db,
        } => {
            let tps = match (tps, default) {
                (Some(t), _) => RateChange::To(t),
                (None, true) => RateChange::Default,
                (None, false) => RateChange::Keep,
            };
            rate(&id, tps, quota_model, budget, &tenant, &db).await
        }
        SourceCmd::Delete { id, tenant, db } => {
            let store = roster_store::connect(&db.database_url).await?;
            let id = source_id(&id)?;
            store
                .delete_source(&tenant_of(&tenant.tenant)?, &id)
                .await?;
            println!("Deleted source {id} and its history.");
            Ok(())
        }
    }
}

/// `roster source list`: the tenant's connections.
async fn list(tenant: &TenantArg, out: OutputArgs, db: &DatabaseArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&db.database_url).await?;
    let sources = store.list_sources(&tenant_of(&tenant.tenant)?).await?;
    let body = serde_json::Value::Array(sources.iter().map(source_json).collect());
    if !print_data(out.format(), &body)? {
        println!(
            "{:<21} {:<10} {:<14} {:<8}  NAME",
            "ID", "STATUS", "STORE", "REGION"
        );
        for s in &sources {
            let (store_id, region) = s.location.as_ref().map_or(("-".into(), "-".into()), |l| {
                (l.identity_store_id.to_string(), l.region.to_string())
            });
            println!(
                "{:<21} {:<10} {:<14} {:<8}  {}",
                s.id,
                s.status.as_str(),
                store_id,
                region,
                s.name
            );
        }
    }
    Ok(())
}

async fn create(
    name: Option<String>,
    kind: SourceKind,
    tenant: TenantArg,
    format: Format,
    db: DatabaseArgs,
) -> Result<(), CliError> {
    let store = roster_store::connect(&db.database_url).await?;
    let tenant = tenant_of(&tenant.tenant)?;
    let sso = kind == SourceKind::AwsSso;
    let default_name = if sso {
        "AWS IAM Identity Center (SSO)"
    } else {
        "AWS IAM Identity Center"
    };
    let name = roster_core::SourceName::parse(name.as_deref().unwrap_or(default_name))
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let new = NewSource {
        id: SourceId::generate(),
        name: name.into_string(),
        role_arn: None,
        external_id: ExternalId::generate(),
        status: SourceStatus::Pending,
    };
    let source = store.create_source(&tenant, &new).await?;
    if sso {
        store
            .set_source_collects_access(&tenant, &source.id, true)
            .await?;
    }
    let principal = platform_principal(&Platform::from_env().await).await;
    let trust = trust_policy(
        principal.as_deref().unwrap_or(PRINCIPAL_PLACEHOLDER),
        &source.external_id,
    );
    let permissions = permissions_policy(&if sso {
        PermissionsOptions::sso_source()
    } else {
        PermissionsOptions::recommended()
    });
    let body = json!({
        "id": source.id,
        "kind": if sso { "aws-sso" } else { "aws-identity-store" },
        "collects_access": sso,
        "external_id": source.external_id.expose(),
        "platform_principal": principal,
        "trust_policy": serde_json::from_str::<serde_json::Value>(&trust.to_json()).unwrap_or_default(),
        "inline_policy": serde_json::from_str::<serde_json::Value>(&permissions.to_json()).unwrap_or_default(),
    });
    if !print_data(format, &body)? {
        println!(
            "Source:      {}\nExternal ID: {}\n",
            source.id,
            source.external_id.expose()
        );
        println!("Trust policy of the role to create:\n{}\n", trust.to_json());
        println!("Inline permissions policy:\n{}\n", permissions.to_json());
        println!("Then: roster source connect {} --role-arn ARN", source.id);
    }
    Ok(())
}

/// What `roster source connect` is asked to connect, and how.
struct ConnectTarget {
    id: String,
    role_arn: String,
    region: Option<String>,
    identity_store_id: Option<String>,
    /// `--collect-access`: the SSO steps too; access is turned on only when
    /// every step passes (the engine's `test_connection_with_access`, as
    /// the API's and the console's "also collect access").
    collect_access: bool,
}

async fn connect(
    target: ConnectTarget,
    tenant: TenantArg,
    format: Format,
    db: DatabaseArgs,
) -> Result<(), CliError> {
    let ConnectTarget {
        id,
        role_arn,
        region,
        identity_store_id,
        collect_access,
    } = target;
    let store = roster_store::connect(&db.database_url).await?;
    let tenant = tenant_of(&tenant.tenant)?;
    let id = source_id(&id)?;
    let role = RoleArn::parse(&role_arn).map_err(|e| Diagnosis::invalid_role_arn(&e.reason))?;
    let hint = LocationHint {
        region: region
            .as_deref()
            .map(Region::parse)
            .transpose()
            .map_err(|e| CliError::Usage(e.to_string()))?,
        identity_store_id: identity_store_id
            .as_deref()
            .map(IdentityStoreId::parse)
            .transpose()
            .map_err(|e| CliError::Usage(e.to_string()))?,
    };
    let platform = Platform::from_env().await;
    let request = ConnectRequest {
        role,
        hint,
        platform_principal: platform_principal(&platform).await,
        endpoint: roster_engine::AwsEndpoint::from_env(),
    };
    let print_step = |e: StepEvent| {
        if format == Format::Table && e.status != StepStatus::Running {
            eprintln!(
                "{:<8} {}  {}",
                format!("{:?}", e.status).to_lowercase(),
                e.step.title(),
                e.detail
            );
        }
    };
    let store_ref = store.as_ref();
    let location = if collect_access {
        let was_on = store.get_source(&tenant, &id).await?.collects_access;
        test_connection_with_access(store_ref, &platform, &tenant, &id, &request, &print_step)
            .await
            .inspect_err(|_| {
                if !was_on {
                    eprintln!(
                        "Access collection stays off: it is turned on only when every step passes."
                    );
                }
            })?
    } else {
        test_connection(store_ref, &platform, &tenant, &id, &request, &print_step).await?
    };
    let job = store.enqueue_sync(&tenant, &id, "connect").await?;
    let collects_access = store.get_source(&tenant, &id).await?.collects_access;
    let body = json!({"status": "connected", "source_id": id, "location": location, "collects_access": collects_access, "first_sync_job": job.id});
    if !print_data(format, &body)? {
        println!(
            "Connection Configured: Identity Store {} in {}. First sync queued (job {}); run it now with: roster source sync {id}",
            location.identity_store_id, location.region, job.id
        );
        if collects_access {
            println!(
                "Collects access: yes (permission sets, account assignments and accounts; the SSO steps passed)"
            );
        }
        println!(
            "Placement: {}",
            roster_engine::describe_placement(&location, Some(request.role.account()))
        );
    }
    if location.placement == roster_store::Placement::Management {
        // On stderr under --format json, so stdout stays one JSON document.
        if format == Format::Table {
            println!("{}", roster_engine::MANAGEMENT_ACCOUNT_NOTE);
        } else {
            eprintln!("{}", roster_engine::MANAGEMENT_ACCOUNT_NOTE);
        }
    }
    Ok(())
}

async fn show(
    id: &str,
    tenant: &TenantArg,
    format: Format,
    db: &DatabaseArgs,
) -> Result<(), CliError> {
    let store = roster_store::connect(&db.database_url).await?;
    let tenant = tenant_of(&tenant.tenant)?;
    let source = store.get_source(&tenant, &source_id(id)?).await?;
    let syncs = store.list_syncs(&tenant, &source.id, 10).await?;
    let mut body = source_json(&source);
    body["syncs"] = serde_json::to_value(&syncs).map_err(|e| CliError::Other(e.into()))?;
    if !print_data(format, &body)? {
        println!(
            "{}",
            serde_json::to_string_pretty(&body).map_err(|e| CliError::Other(e.into()))?
        );
    }
    Ok(())
}

/// What `roster source rate` does to the source's requests per second.
#[derive(Debug, Clone, Copy)]
enum RateChange {
    Keep,
    Default,
    To(u32),
}

/// Sets what is given; `model` and `budget` left out stay as they are.
async fn rate(
    id: &str,
    tps: RateChange,
    model: Option<QuotaModel>,
    budget: Option<f64>,
    tenant: &TenantArg,
    db: &DatabaseArgs,
) -> Result<(), CliError> {
    if matches!(tps, RateChange::To(t) if !roster_core::quota::API_TPS.contains(&t)) {
        return Err(CliError::Usage("--tps must be 1 to 1000".into()));
    }
    let store = roster_store::connect(&db.database_url).await?;
    let tenant = tenant_of(&tenant.tenant)?;
    let source = store.get_source(&tenant, &source_id(id)?).await?;
    let id = source.id.clone();
    match tps {
        RateChange::Keep => {}
        RateChange::Default => store.set_source_api_tps(&tenant, &id, None).await?,
        RateChange::To(t) => store.set_source_api_tps(&tenant, &id, Some(t)).await?,
    }
    if model.is_some() || budget.is_some() {
        let model = model.unwrap_or(source.quota_model);
        let budget = budget.unwrap_or(source.quota_budget);
        store.set_source_quota(&tenant, &id, model, budget).await?;
    }
    let source = store.get_source(&tenant, &id).await?;
    let quota = source
        .api_tps
        .map_or(roster_core::quota::DEFAULT_TPS, f64::from);
    let counted = match source.quota_model {
        QuotaModel::Collective => "for the Identity Store APIs together (collective)",
        QuotaModel::PerApi => "per Identity Store API (per-api)",
    };
    println!(
        "Source {id} reads at {:.0}% of {quota} requests/s {counted}: {} requests/s.",
        source.quota_budget * 100.0,
        quota * source.quota_budget,
    );
    Ok(())
}

async fn interval(
    id: &str,
    hours: u32,
    tenant: &TenantArg,
    db: &DatabaseArgs,
) -> Result<(), CliError> {
    if !roster_core::quota::SYNC_INTERVAL_HOURS.contains(&hours) {
        return Err(CliError::Usage("--hours must be 1 to 720".into()));
    }
    let store = roster_store::connect(&db.database_url).await?;
    let id = source_id(id)?;
    store
        .set_source_interval(&tenant_of(&tenant.tenant)?, &id, hours * 3600)
        .await?;
    println!("Source {id} is synced every {hours} h.");
    Ok(())
}

async fn sync_now(
    store: Arc<dyn Store>,
    tenant: &TenantId,
    id: &SourceId,
    format: Format,
) -> Result<(), CliError> {
    let platform = Platform::from_env().await;
    let options = SyncOptions {
        endpoint: roster_engine::AwsEndpoint::from_env(),
        ..SyncOptions::default()
    };
    let progress = Arc::new(SyncProgress::default());
    let rate = options
        .for_source(&store.get_source(tenant, id).await?)
        .quota()
        .rate();
    let view = ProgressView::start(progress.clone(), rate, format != Format::Table);
    let outcome = sync_source(store.clone(), &platform, tenant, id, &options, progress).await;
    view.finish().await;
    let outcome = outcome?;
    let source = store.get_source(tenant, id).await?;
    let location = source
        .location
        .clone()
        .ok_or_else(|| CliError::Other(anyhow::anyhow!("the source lost its location")))?;
    if !source.collects_access {
        super::sync::report(&outcome, id, &location, format)?;
        return Ok(());
    }
    // A source that collects access: then access, through the directory just read.
    let scoped = roster_engine::ScopedOptions {
        directory: options,
        access: roster_engine::AccessSyncOptions::default(),
    };
    let access = roster_engine::sync_access_source(
        store.clone(),
        &platform,
        tenant,
        id,
        &scoped,
        Arc::new(roster_engine::AccessProgress::default()),
    )
    .await?;
    super::sync_access::report_scoped(Some(&outcome), Some(&access), id, &location, format)?;
    Ok(())
}
