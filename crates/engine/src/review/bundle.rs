//! The campaign's evidence bundle, signed like a snapshot's (the same
//! manifest and key, so `roster evidence verify` checks it): the campaign's
//! parameters and progress, the population (CSV), every decision (CSV and
//! JSON), the verification status with `IDS-10`, and a report an auditor
//! reads without roster.

use roster_core::TenantId;
use roster_core::evidence::BundleKey;
use roster_core::evidence::manifest::{MANIFEST_FILE, json_file};
use roster_core::evidence::tables::CsvFile;
use roster_core::review::{CampaignId, OverdueItem, Remediation, Verdict, ids10};
use roster_store::{AuditEntry, DecisionRecord, ItemFilter, ReviewItem, Store};
use serde::Serialize;
use serde_json::json;

use super::report::{ReportData, render};
use super::verify::access_label;
use crate::EngineError;
use crate::evidence::sign_and_zip;

/// Entries of a campaign bundle, in the order they are written.
pub const REVIEW_BUNDLE_ENTRY_ORDER: &[&str] = &[
    "campaign.json",
    "population.csv",
    "decisions.csv",
    "decisions.json",
    "verification.json",
    "review_report.html",
    MANIFEST_FILE,
];

const PAGE: u32 = 1_000;

const POPULATION_HEADER: &[&str] = &[
    "item_id",
    "user_id",
    "user_name",
    "user_email",
    "membership_id",
    "group_id",
    "group_name",
    "account_id",
    "account_name",
    "permission_set_arn",
    "permission_set_name",
    "via_group_id",
    "via_group_name",
    "reviewer",
    "decision",
    "decided_by",
    "decided_at",
    "comment",
    "remediation",
    "remediated_by_sync",
];

const DECISIONS_HEADER: &[&str] = &[
    "record_id",
    "item_id",
    "decision",
    "comment",
    "reassigned_to",
    "actor",
    "at",
];

fn opt(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

fn population_record(i: &ReviewItem) -> Vec<String> {
    vec![
        i.id.to_string(),
        opt(i.user_id.as_deref()),
        opt(i.user_name.as_deref()),
        opt(i.user_email.as_deref()),
        opt(i.membership_id.as_deref()),
        opt(i.group_id.as_deref()),
        opt(i.display_name.as_deref()),
        opt(i.account_id.as_deref()),
        opt(i.account_name.as_deref()),
        opt(i.permission_set_arn.as_deref()),
        opt(i.permission_set_name.as_deref()),
        opt(i.via_group_id.as_deref()),
        opt(i.via_group_name.as_deref()),
        opt(i.reviewer.as_deref()),
        i.decision.map_or("undecided", Verdict::as_str).to_owned(),
        opt(i.decided_by.as_deref()),
        i.decided_at.map(|t| t.to_string()).unwrap_or_default(),
        opt(i.comment.as_deref()),
        i.remediation
            .map(Remediation::as_str)
            .unwrap_or_default()
            .to_owned(),
        i.remediated_sync.map(|s| s.to_string()).unwrap_or_default(),
    ]
}

fn decision_record(d: &DecisionRecord) -> Vec<String> {
    vec![
        d.id.to_string(),
        d.item_id.to_string(),
        d.verdict.as_str().to_owned(),
        opt(d.comment.as_deref()),
        opt(d.reassigned_to.as_deref()),
        d.actor.clone(),
        d.at.to_string(),
    ]
}

/// One revoked item's verification state.
#[derive(Debug, Serialize)]
struct Verified {
    item_id: i64,
    user_name: Option<String>,
    access: String,
    revoked_at: Option<String>,
    remediation: Option<Remediation>,
    /// The snapshot (sync ID) that showed the access gone.
    remediated_by_sync: Option<i64>,
}

/// The population CSV, and the revoked items' states (all, and the overdue).
async fn read_items(
    store: &dyn Store,
    tenant: &TenantId,
    id: &CampaignId,
) -> Result<(CsvFile, Vec<Verified>, Vec<OverdueItem>), EngineError> {
    let mut population = CsvFile::new(POPULATION_HEADER);
    let mut verified = Vec::new();
    let mut overdue = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .review_items(tenant, id, &ItemFilter::default(), after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for i in &page {
            population.push(&population_record(i));
            if i.decision == Some(Verdict::Revoke) {
                if i.remediation == Some(Remediation::Overdue) {
                    overdue.push(OverdueItem {
                        campaign_id: id.to_string(),
                        item_id: i.id,
                        user_name: i.user_name.clone(),
                        access: access_label(i),
                        revoked_at: i.decided_at.map(|t| t.to_string()).unwrap_or_default(),
                    });
                }
                verified.push(Verified {
                    item_id: i.id,
                    user_name: i.user_name.clone(),
                    access: access_label(i),
                    revoked_at: i.decided_at.map(|t| t.to_string()),
                    remediation: i.remediation,
                    remediated_by_sync: i.remediated_sync.map(|s| s.0),
                });
            }
        }
    }

    Ok((population, verified, overdue))
}

/// Exports a campaign's bundle as zip bytes and records `review.export`.
pub async fn export_campaign(
    store: &dyn Store,
    tenant: &TenantId,
    id: &CampaignId,
    key: &BundleKey,
    actor: &str,
) -> Result<Vec<u8>, EngineError> {
    let campaign = store.get_campaign(tenant, id).await?;
    let source_name = store
        .get_source(tenant, &campaign.source_id)
        .await
        .map(|s| s.name)
        .ok();
    let progress = store.reviewer_progress(tenant, id).await?;
    let exported_at = store.clock().now();

    let (population, verified, overdue) = read_items(store, tenant, id).await?;

    let mut decisions_csv = CsvFile::new(DECISIONS_HEADER);
    let mut decisions = Vec::new();
    let mut after = None;
    loop {
        let page = store.decisions_page(tenant, id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for d in &page {
            decisions_csv.push(&decision_record(d));
        }
        decisions.extend(page);
    }

    let check = ids10(&overdue, campaign.remediation_days);
    let campaign_json = json!({
        "format": "roster-review/1",
        "roster_version": env!("CARGO_PKG_VERSION"),
        "tenant": tenant.as_str(),
        "source_name": source_name,
        "campaign": campaign,
        "population": {
            "kind": campaign.kind.as_str(),
            "source_id": campaign.source_id.as_str(),
            "snapshot_sync_id": campaign.sync_id.0,
            "filter": campaign.filter,
            "privileged_patterns": campaign.privileged_patterns,
            "items": campaign.items,
        },
        "progress": progress,
        "exported_at": exported_at,
    });
    let verification_json = json!({
        "as_of": exported_at,
        "remediation_days": campaign.remediation_days,
        "check": check,
        "revoked": verified,
    });
    let report = render(&ReportData {
        campaign: &campaign,
        source_name: source_name.as_deref(),
        progress: &progress,
        decisions: &decisions,
        check: &check,
        exported_at,
    });
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("campaign.json", json_file(&campaign_json)),
        ("population.csv", population.into_bytes()),
        ("decisions.csv", decisions_csv.into_bytes()),
        ("decisions.json", json_file(&decisions)),
        ("verification.json", json_file(&verification_json)),
        ("review_report.html", report.into_bytes()),
    ];
    let (bytes, manifest_sha) = sign_and_zip(files, key)?;
    let entry = AuditEntry::new(
        actor,
        "review.export",
        format!("review:{id}"),
        json!({
            "manifest_sha256": manifest_sha,
            "public_key": key.public_key(),
            "bytes": bytes.len(),
        }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(bytes)
}
