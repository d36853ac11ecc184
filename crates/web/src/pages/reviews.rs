//! Access-review campaigns for admins and auditors: the list, the "new
//! campaign" form (admin), a campaign's page (parameters, progress per
//! reviewer, items with filters, close, bundle). Adapters over
//! `service::reviews`; reviewers have their own queue (`review_queue`).

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use maud::{Markup, html};
use roster_core::review::PopulationFilter;
use roster_store::{Campaign, ReviewItem};
use serde::Deserialize;

use super::layout::{csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery};
use crate::service::bundles::BundleFile;
use crate::service::reviews::{self, CampaignInput, ItemQuery, ReviewerRule};
use crate::service::sources;
use crate::state::AppState;

/// What an item is, in a few words: the group, or the account and permission set.
pub fn item_access(i: &ReviewItem) -> Markup {
    html! {
        @if let Some(ps) = &i.permission_set_name {
            (ps) " on " (i.account_name.as_deref().or(i.account_id.as_deref()).unwrap_or("?"))
            @if let Some(g) = i.via_group_name.as_deref().or(i.via_group_id.as_deref()) { span.meta { " via " (g) } }
        } @else {
            "member of " (i.display_name.as_deref().or(i.group_id.as_deref()).unwrap_or("?"))
        }
    }
}

/// The item's decision and, for a revoke, its remediation.
pub fn item_status(i: &ReviewItem) -> Markup {
    let decision = i.decision.map_or("undecided", |v| v.as_str());
    let class = match decision {
        "keep" => "tag ok",
        "revoke" => "tag bad",
        _ => "tag pending",
    };
    html! {
        span class=(class) data-decision=(decision) { (decision) }
        @if let Some(r) = i.remediation { span.tag data-remediation=(r.as_str()) { (r.as_str()) } }
        @if let Some(sync) = i.remediated_sync { span.meta { " gone in snapshot (sync) " (sync) } }
    }
}

fn campaign_row(c: &Campaign) -> Markup {
    html! {
        tr data-campaign=(c.id) {
            td { a href={ "/reviews/" (c.id) } { (c.name) } }
            td { (c.kind.as_str()) } td { (c.items) } td { (c.status.as_str()) }
            td { (c.due_at.map(|t| t.to_string()).unwrap_or_default()) }
            td { (c.created_at) br; span.meta { (c.created_by) } }
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(State(state): State<AppState>, who: Principal) -> Result<Html<String>, WebError> {
    let campaigns = reviews::list(&state, &who).await?;
    let body = html! {
        h1 { "Access reviews" }
        p { "A campaign freezes a population (group memberships or effective access) as of one snapshot; reviewers keep or revoke each item; later syncs show whether revocations were carried out." }
        div.filters {
            @if who.is_admin() { a.button #new-campaign href="/reviews/new" { "New campaign" } }
            a.button.secondary href="/reviews/owners" { "Owners" }
        }
        table #campaigns {
            thead { tr { th { "Campaign" } th { "Scope" } th { "Items" } th { "Status" } th { "Due" } th { "Opened" } } }
            tbody { @for c in &campaigns { (campaign_row(c)) } }
        }
        @if campaigns.is_empty() { p.meta { "No campaign yet." } }
    };
    Ok(Html(
        page("Reviews", &state, Some(&who), "/reviews", &body).into_string(),
    ))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn new_form(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Html<String>, WebError> {
    who.require_admin()?;
    let all = sources::list(&state, &who).await?;
    let body = html! {
        h1 { "New access review" }
        form #campaign-form method="post" action="/reviews" {
            (csrf_field(&who))
            label for="c-source" { "Source" }
            select #c-source name="source" required { @for s in &all { option value=(s.id) { (s.name) " (" (s.id) ")" } } }
            label for="c-name" { "Name" }
            input #c-name type="text" name="name" maxlength="200" placeholder="Quarterly access review";
            label for="c-scope" { "Population" }
            select #c-scope name="scope" {
                option value="memberships" selected { "Group memberships (Identity Store)" }
                option value="access" { "Effective account access (IAM Identity Center)" }
            }
            label { input type="checkbox" name="privileged" value="on"; " Privileged only (the groups IDS-07 calls privileged; privileged permission sets)" }
            label for="c-groups" { "Only these groups (IDs or names, one per line; empty: all)" }
            textarea #c-groups name="groups" rows="3" {}
            label for="c-accounts" { "Only these accounts (12-digit IDs, one per line; access only)" }
            textarea #c-accounts name="accounts" rows="2" {}
            label { "Reviewers" }
            label { input type="radio" name="reviewer_rule" value="owners" checked; " Owners of each group / account / permission set (see Owners)" }
            label { input type="radio" name="reviewer_rule" value="reviewer"; " One reviewer for every item:" }
            input #c-reviewer type="email" name="reviewer" maxlength="254" placeholder="reviewer@example.com";
            label for="c-fallback" { "Fallback reviewer (items without owner, and a reviewer's own access)" }
            input #c-fallback type="email" name="fallback_reviewer" maxlength="254" placeholder="security@example.com";
            label for="c-due" { "Due date" }
            input #c-due type="date" name="due";
            label for="c-window" { "Remediation window (days after a revoke before it is overdue)" }
            input #c-window type="text" inputmode="numeric" name="remediation_days" value="14";
            p { button type="submit" { "Open campaign" } }
        }
    };
    Ok(Html(
        page("New review", &state, Some(&who), "/reviews", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    privileged: Option<String>,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    accounts: String,
    #[serde(default)]
    reviewer_rule: String,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    fallback_reviewer: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    remediation_days: String,
}

fn lines(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn input_of(f: CampaignForm) -> Result<CampaignInput, WebError> {
    let remediation_days = match f.remediation_days.trim() {
        "" => None,
        d => Some(d.parse().map_err(|_| {
            WebError::bad_request(
                "invalid-window",
                "the remediation window is a number of days",
            )
        })?),
    };
    Ok(CampaignInput {
        source: f.source,
        name: Some(f.name),
        scope: Some(f.scope),
        filter: PopulationFilter {
            privileged_only: f.privileged.is_some(),
            groups: lines(&f.groups),
            accounts: lines(&f.accounts),
        },
        reviewer_rule: Some(if f.reviewer_rule == "reviewer" {
            ReviewerRule::Reviewer
        } else {
            ReviewerRule::Owners
        }),
        reviewer: Some(f.reviewer),
        fallback_reviewer: Some(f.fallback_reviewer),
        due: Some(f.due),
        remediation_days,
    })
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn create(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<CampaignForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let c = reviews::create(&state, &who, &input_of(f)?).await?;
    Ok(Redirect::to(&format!("/reviews/{}", c.id)))
}

const STATUSES: [&str; 7] = [
    "all",
    "undecided",
    "keep",
    "revoke",
    "remediated",
    "pending",
    "overdue",
];

fn parameters(c: &Campaign) -> Markup {
    html! {
        dl.kv #parameters {
            dt { "Campaign" } dd { (c.id) " · " (c.status.as_str()) }
            dt { "Population" } dd { (c.kind.as_str()) " of source " (c.source_id) ", frozen as of snapshot (sync) " (c.sync_id) }
            dt { "Items" } dd #item-count { (c.items) }
            dt { "Filter" } dd {
                @if c.filter.is_everything() { "everything" }
                @if c.filter.privileged_only { "privileged only (" (c.privileged_patterns.join(", ")) ") " }
                @if !c.filter.groups.is_empty() { "groups: " (c.filter.groups.join(", ")) " " }
                @if !c.filter.accounts.is_empty() { "accounts: " (c.filter.accounts.join(", ")) }
            }
            dt { "Reviewers" } dd { (c.reviewer.as_deref().map_or_else(|| "owners".to_owned(), |r| format!("one reviewer: {r}"))) " · fallback: " (c.fallback_reviewer.as_deref().unwrap_or("none")) }
            dt { "Due" } dd { (c.due_at.map_or_else(|| "no due date".to_owned(), |t| t.to_string())) " · remediation window " (c.remediation_days) " days" }
            dt { "Opened" } dd { (c.created_at) " by " (c.created_by) }
            @if let Some(at) = c.closed_at { dt { "Closed" } dd { (at) " by " (c.closed_by.as_deref().unwrap_or("?")) } }
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    reviewer: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    AppQuery(sq): AppQuery<ShowQuery>,
) -> Result<Html<String>, WebError> {
    let q = ItemQuery {
        status: sq.status.clone(),
        reviewer: sq.reviewer.clone(),
        q: sq.q.clone(),
        after: sq.after,
        limit: None,
    };
    let d = reviews::show(&state, &who, &id, &q).await?;
    let c = &d.campaign;
    let active = sq.status.as_deref().unwrap_or("all");
    let body = html! {
        h1 { (c.name) }
        (parameters(c))
        div.filters {
            a.button.secondary #bundle href={ "/reviews/" (c.id) "/bundle" } { "Download signed bundle" }
            @if who.is_admin() && c.status == roster_core::review::CampaignStatus::Open {
                form.inline #close method="post" action={ "/reviews/" (c.id) "/close" } {
                    (csrf_field(&who))
                    button.danger type="submit" { "Close campaign (undecided items are recorded as undecided)" }
                }
            }
        }
        h2 { "Progress per reviewer" }
        table #progress {
            thead { tr { th { "Reviewer" } th { "Items" } th { "Decided" } th { "Kept" } th { "Revoked" } } }
            tbody { @for p in &d.progress { tr {
                td { (p.reviewer.as_deref().unwrap_or("(nobody: reassign)")) } td { (p.items) } td { (p.decided) } td { (p.kept) } td { (p.revoked) }
            } } }
        }
        h2 { "Items" }
        div.filters #item-filters {
            @for s in STATUSES {
                a class=(if s == active { "button" } else { "button secondary" }) href={ "/reviews/" (c.id) "?status=" (s) } { (s) }
            }
        }
        table #items {
            thead { tr { th { "#" } th { "User" } th { "Access" } th { "Reviewer" } th { "Decision" } th { "Comment" } } }
            tbody { @for i in &d.items { tr data-item=(i.id) {
                td { (i.id) }
                td { (i.user_name.as_deref().unwrap_or("?")) }
                td { (item_access(i)) }
                td { (i.reviewer.as_deref().unwrap_or("")) }
                td { (item_status(i)) @if let Some(by) = &i.decided_by { br; span.meta { (by) " " (i.decided_at.map(|t| t.to_string()).unwrap_or_default()) } } }
                td { (i.comment.as_deref().unwrap_or("")) }
            } } }
        }
        @if let Some(next) = d.next {
            p.pager { a href={ "/reviews/" (c.id) "?status=" (active) "&after=" (next) } { "Next items →" } }
        }
    };
    Ok(Html(
        page(&c.name, &state, Some(&who), "/reviews", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn close(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    AppForm(f): AppForm<CsrfForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let c = reviews::close(&state, &who, &id).await?;
    Ok(Redirect::to(&format!("/reviews/{}", c.id)))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn bundle(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<BundleFile, WebError> {
    reviews::export(&state, &who, &id).await
}
