//! `roster review create|list|show|decide|close|export|owner`: access review
//! campaigns through the engine's review use cases (the console's too).

use std::io::Write;

use roster_core::review::{OwnerKind, PopulationFilter, PopulationKind, Verdict};
use roster_core::{TenantId, Timestamp};
use roster_engine::{evidence, review, snapshot};
use roster_store::{Campaign, Decider, ItemFilter, NewDecision, ReviewItem, Store};
use serde_json::json;

use super::check::cli_actor;
use super::evidence::{configured_key, write_bundle};
use crate::exit::CliError;
use crate::output::print_data;
use crate::review_args::{
    CloseArgs, CreateArgs, DecideArgs, ExportArgs, ListArgs, OwnerArgs, ReviewCmd, ShowArgs,
};

const PAGE: u32 = 1_000;

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(e.to_string())
}

/// `YYYY-MM-DD` (the end of that day, UTC) or a full time.
fn parse_due(s: &str) -> Result<Timestamp, CliError> {
    let day = s.len() == 10 && s.as_bytes().get(4) == Some(&b'-');
    let text = if day {
        format!("{s}T23:59:59Z")
    } else {
        s.to_owned()
    };
    Timestamp::parse(&text).map_err(|_| {
        usage(format!(
            "--due '{s}' must be YYYY-MM-DD or an RFC 3339 time"
        ))
    })
}

/// How an item is printed: its IDs, names, decision and remediation.
fn item_json(i: &ReviewItem) -> serde_json::Value {
    json!({
        "id": i.id,
        "user_id": i.user_id,
        "user_name": i.user_name,
        "user_email": i.user_email,
        "group_id": i.group_id,
        "display_name": i.display_name,
        "account_id": i.account_id,
        "account_name": i.account_name,
        "permission_set_arn": i.permission_set_arn,
        "permission_set_name": i.permission_set_name,
        "via_group_name": i.via_group_name,
        "reviewer": i.reviewer,
        "decision": i.decision.map_or("undecided", Verdict::as_str),
        "comment": i.comment,
        "decided_by": i.decided_by,
        "decided_at": i.decided_at,
        "remediation": i.remediation.map(roster_core::review::Remediation::as_str),
        "remediated_sync": i.remediated_sync.map(|s| s.0),
    })
}

fn campaign_line(c: &Campaign) -> String {
    format!(
        "{}  {:<8} {:<11} source {} sync {}  {} items  {}",
        c.id,
        c.status.as_str(),
        c.kind.as_str(),
        c.source_id,
        c.sync_id,
        c.items,
        c.name
    )
}

async fn create(args: CreateArgs) -> Result<(), CliError> {
    let kind = PopulationKind::parse(&args.scope).map_err(usage)?;
    let filter =
        PopulationFilter::parse_terms(args.filters.iter().map(String::as_str)).map_err(usage)?;
    let due_at = args.due.as_deref().map(parse_due).transpose()?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let source = snapshot::source(store.as_ref(), &tenant, args.source.as_deref()).await?;
    let req = review::OpenRequest {
        source,
        kind,
        filter,
        name: args.name,
        reviewer: args.reviewer,
        fallback_reviewer: args.fallback_reviewer,
        due_at,
        remediation_days: args.remediation_days,
        actor: cli_actor(),
    };
    let c = review::open_campaign(store.as_ref(), &tenant, &req).await?;
    if !print_data(
        args.out.format(),
        &serde_json::to_value(&c).map_err(|e| CliError::Other(e.into()))?,
    )? {
        println!("opened {}", campaign_line(&c));
    }
    Ok(())
}

async fn list(args: ListArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let campaigns = store.list_campaigns(&TenantId::default_tenant()).await?;
    let body = serde_json::to_value(&campaigns).map_err(|e| CliError::Other(e.into()))?;
    if !print_data(args.out.format(), &body)? {
        for c in &campaigns {
            println!("{}", campaign_line(c));
        }
    }
    Ok(())
}

async fn all_items(
    store: &dyn Store,
    tenant: &TenantId,
    id: &roster_core::review::CampaignId,
    filter: &ItemFilter,
) -> Result<Vec<ReviewItem>, CliError> {
    let mut items = Vec::new();
    let mut after = None;
    loop {
        let page = store.review_items(tenant, id, filter, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        items.extend(page);
    }
    Ok(items)
}

async fn show(args: ShowArgs) -> Result<(), CliError> {
    let id = review::parse_campaign_id(&args.campaign)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let c = store.get_campaign(&tenant, &id).await?;
    let progress = store.reviewer_progress(&tenant, &id).await?;
    let filter = ItemFilter {
        reviewer: args.reviewer,
        ..ItemFilter::default()
    };
    let items = all_items(store.as_ref(), &tenant, &id, &filter).await?;
    let mut body = serde_json::to_value(&c).map_err(|e| CliError::Other(e.into()))?;
    body["item_count"] = json!(c.items);
    body["progress"] = serde_json::to_value(&progress).map_err(|e| CliError::Other(e.into()))?;
    body["items"] = items.iter().map(item_json).collect();
    if !print_data(args.out.format(), &body)? {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        writeln!(out, "{}", campaign_line(&c))?;
        for p in &progress {
            writeln!(
                out,
                "  {:<32} {} of {} decided ({} kept, {} revoked)",
                p.reviewer.as_deref().unwrap_or("(unassigned)"),
                p.decided,
                p.items,
                p.kept,
                p.revoked
            )?;
        }
        for i in &items {
            let what = match (&i.account_id, &i.display_name) {
                (Some(a), _) => format!(
                    "{a} {}",
                    i.permission_set_name.as_deref().unwrap_or_default()
                ),
                (None, Some(g)) => g.clone(),
                (None, None) => i.group_id.clone().unwrap_or_default(),
            };
            writeln!(
                out,
                "{:>7}  {:<28} {:<32} {:<9} {:<10} {}",
                i.id,
                i.user_name.as_deref().unwrap_or_default(),
                what,
                i.decision.map_or("undecided", Verdict::as_str),
                i.remediation.map_or("", |r| r.as_str()),
                i.reviewer.as_deref().unwrap_or_default()
            )?;
        }
    }
    Ok(())
}

async fn decide(args: DecideArgs) -> Result<(), CliError> {
    let id = review::parse_campaign_id(&args.campaign)?;
    let verdict = Verdict::parse(&args.decision)
        .ok()
        .filter(|v| *v != Verdict::Undecided)
        .ok_or_else(|| {
            usage(format!(
                "'{}' must be keep, revoke or reassign",
                args.decision
            ))
        })?;
    let items = args
        .items
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| usage(format!("'{s}' is not an item ID")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    roster_core::review::validate_comment(verdict, args.comment.as_deref()).map_err(usage)?;
    if verdict == Verdict::Reassign && args.to.is_none() {
        return Err(usage("reassign needs --to EMAIL"));
    }
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    // A CLI operator has no console email; the actor names the OS user.
    let decider = Decider {
        actor: cli_actor(),
        email: None,
    };
    let decision = NewDecision {
        items,
        verdict,
        comment: args.comment,
        reassign_to: args.to,
    };
    let records = review::decide(store.as_ref(), &tenant, &id, &decider, &decision).await?;
    let body = json!({ "campaign": id.as_str(), "records": records });
    if !print_data(args.out.format(), &body)? {
        println!(
            "recorded {} for {} item(s) of {} as {}",
            verdict.as_str(),
            records.len(),
            id,
            decider.actor
        );
    }
    Ok(())
}

async fn close(args: CloseArgs) -> Result<(), CliError> {
    let id = review::parse_campaign_id(&args.campaign)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let c = review::close_campaign(
        store.as_ref(),
        &TenantId::default_tenant(),
        &id,
        &cli_actor(),
    )
    .await?;
    if !print_data(
        args.out.format(),
        &serde_json::to_value(&c).map_err(|e| CliError::Other(e.into()))?,
    )? {
        println!("closed {}", campaign_line(&c));
    }
    Ok(())
}

async fn export(args: ExportArgs) -> Result<(), CliError> {
    let id = review::parse_campaign_id(&args.campaign)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let key = evidence::signing_key(store.as_ref(), &tenant, configured_key().as_deref()).await?;
    let bytes = review::export_campaign(store.as_ref(), &tenant, &id, &key, &cli_actor()).await?;
    write_bundle(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes): campaign {id}, signed by {}",
        args.out.display(),
        bytes.len(),
        key.public_key()
    );
    Ok(())
}

async fn owner(args: OwnerArgs) -> Result<(), CliError> {
    let kind = OwnerKind::parse(&args.kind).map_err(usage)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let source = snapshot::source(store.as_ref(), &tenant, args.source.as_deref()).await?;
    let email = if args.clear {
        None
    } else {
        args.email.as_deref()
    };
    review::set_owner(
        store.as_ref(),
        &tenant,
        &source,
        kind,
        &args.object,
        email,
        &cli_actor(),
    )
    .await?;
    println!(
        "{} {} of source {source}: {}",
        kind.as_str(),
        args.object,
        email.unwrap_or("no owner")
    );
    Ok(())
}

async fn check(args: ListArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let result = review::ids10_report(store.as_ref(), &TenantId::default_tenant()).await?;
    let body = serde_json::to_value(&result).map_err(|e| CliError::Other(e.into()))?;
    if !print_data(args.out.format(), &body)? {
        println!(
            "{} {}: {}",
            result.id,
            result.status.as_str(),
            result.summary
        );
        for f in &result.findings {
            println!("  {}", f.detail);
        }
    }
    Ok(())
}

pub async fn run(cmd: ReviewCmd) -> Result<(), CliError> {
    match cmd {
        ReviewCmd::Create(a) => create(a).await,
        ReviewCmd::List(a) => list(a).await,
        ReviewCmd::Show(a) => show(a).await,
        ReviewCmd::Decide(a) => decide(a).await,
        ReviewCmd::Close(a) => close(a).await,
        ReviewCmd::Export(a) => export(a).await,
        ReviewCmd::Owner(a) => owner(a).await,
        ReviewCmd::Check(a) => check(a).await,
    }
}
