//! The reviewer's own queue: their undecided items in open campaigns, each
//! a small form (keep / revoke with a comment / reassign) reachable by Tab
//! and Enter, and "keep selected" for several at once (one record per
//! item). Plain forms, no script. Every role may have a queue; reviewers
//! have nothing else. Adapters over `service::reviews_items`.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{csrf_field, page};
use super::reviews::{item_access, item_status};
use crate::auth::{AnyRole, Principal};
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery};
use crate::service::reviews_items::{self, BulkDecisionInput, DecisionInput, QueueShow};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    show: Option<String>,
}

async fn render(
    state: &AppState,
    who: &Principal,
    show: QueueShow,
    error: Option<&str>,
) -> Result<Html<String>, WebError> {
    let entries = reviews_items::queue(state, who, show).await?;
    let mut first = true;
    let body = html! {
        h1 { "My reviews" }
        p { "Decide each item: keep the access, or revoke it (say why). Revoking records the decision; the access is removed in AWS by your administrators, and later syncs show when it is gone. Reassign an item that someone else should review." }
        @if let Some(e) = error { p.banner.warn.error-box #decision-error role="alert" { (e) } }
        div.filters {
            @if show == QueueShow::All { a.button.secondary href="/reviews/mine" { "Show undecided only" } }
            @else { a.button.secondary href="/reviews/mine?show=all" { "Show decided items too" } }
        }
        @if entries.is_empty() { p #queue-empty { "Nothing to review." } }
        @for e in &entries {
            @let c = &e.campaign;
            @let bulk = format!("bulk-{}", c.id);
            section.campaign data-campaign=(c.id) {
                h2 { (c.name) }
                p.meta { (e.items.len()) " item(s) shown · due " (c.due_at.map_or_else(|| "—".to_owned(), |t| t.to_string())) }
                form id=(bulk) method="post" action={ "/reviews/" (c.id) "/bulk" } {
                    (csrf_field(who))
                    button.secondary type="submit" { "Keep selected" }
                }
                table.queue {
                    thead { tr { th { "Select" } th { "User" } th { "Access" } th { "Status" } th { "Decide" } } }
                    tbody { @for i in &e.items {
                        @let autofocus = std::mem::take(&mut first) && i.decision.is_none();
                        tr data-item=(i.id) {
                            td { input type="checkbox" name="item" value=(i.id) form=(bulk) aria-label={ "select item " (i.id) }; }
                            td { (i.user_name.as_deref().unwrap_or("?")) @if let Some(m) = &i.user_email { br; span.meta { (m) } } }
                            td { (item_access(i)) }
                            td { (item_status(i)) }
                            td {
                                form.decide method="post" action={ "/reviews/" (c.id) "/items/" (i.id) "/decide" } {
                                    (csrf_field(who))
                                    input type="text" name="comment" maxlength="4000" placeholder="Comment (required to revoke)" aria-label="comment" autofocus[autofocus];
                                    button type="submit" name="decision" value="keep" { "Keep" }
                                    " "
                                    button.danger type="submit" name="decision" value="revoke" { "Revoke" }
                                    details {
                                        summary { "Reassign" }
                                        input type="email" name="reassign_to" maxlength="254" placeholder="colleague@example.com" aria-label="reassign to";
                                        button.secondary type="submit" name="decision" value="reassign" { "Reassign" }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
        }
    };
    Ok(Html(
        page("My reviews", state, Some(who), "/reviews/mine", &body).into_string(),
    ))
}

fn show_of(q: &QueueQuery) -> QueueShow {
    if q.show.as_deref() == Some("all") {
        QueueShow::All
    } else {
        QueueShow::Undecided
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn mine(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    AppQuery(q): AppQuery<QueueQuery>,
) -> Result<Html<String>, WebError> {
    render(&state, &who, show_of(&q), None).await
}

/// A refused decision (no comment, own access, closed campaign…) shows the
/// queue again with the reason; anything else is an error page.
async fn after(
    state: &AppState,
    who: &Principal,
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to("/reviews/mine").into_response()),
        Err(e @ (WebError::BadRequest { .. } | WebError::Conflict(_))) => {
            let status = e.status();
            let page = render(state, who, QueueShow::Undecided, Some(&e.body().message)).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reassign_to: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn decide(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    Path((campaign, item)): Path<(String, String)>,
    AppForm(f): AppForm<DecideForm>,
) -> Result<Response, WebError> {
    who.check_csrf(&f.csrf)?;
    let item: i64 = item
        .parse()
        .map_err(|_| WebError::NotFound("review item".into()))?;
    let input = DecisionInput {
        decision: f.decision,
        comment: Some(f.comment),
        reassign_to: Some(f.reassign_to),
    };
    let result = reviews_items::decide(&state, &who, &campaign, item, &input)
        .await
        .map(|_| ());
    after(&state, &who, result).await
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn bulk(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    Path(campaign): Path<String>,
    AppForm(pairs): AppForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let field = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    who.check_csrf(field("csrf").unwrap_or_default())?;
    let mut items = Vec::new();
    for (_, v) in pairs.iter().filter(|(n, _)| n == "item") {
        items.push(
            v.parse()
                .map_err(|_| WebError::bad_request("invalid-items", "items are numbers"))?,
        );
        if items.len() > reviews_items::MAX_BULK {
            break;
        }
    }
    let input = BulkDecisionInput {
        items,
        decision: "keep".into(),
        comment: field("comment").map(str::to_owned),
    };
    let result = reviews_items::decide_bulk(&state, &who, &campaign, &input)
        .await
        .map(|_| ());
    after(&state, &who, result).await
}
