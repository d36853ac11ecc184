//! The reviewer's own queue: their undecided items in open campaigns, each
//! a small form (keep / revoke with a comment / reassign) reachable by Tab
//! and Enter, and "keep selected" for several at once (one record per
//! item). Plain forms, no script. Every role may have a queue; reviewers
//! have nothing else. A campaign shows a page of items at a time, with
//! "N of M decided" and links to its previous and next pages (a cursor in
//! the query string); every form carries the page back, so deciding stays
//! on it. Adapters over `service::reviews_items`.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{csrf_field, page};
use super::reviews::{item_access, item_status};
use crate::auth::{AnyRole, Principal};
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery};
use crate::service::reviews_items::{
    self, At, BulkDecisionInput, Cursor, DecisionInput, QueueEntry, QueuePage, QueueShow,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    show: Option<String>,
    #[serde(default)]
    campaign: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The page's own position, sent back with every form so that a decision
/// returns to the same page (validated again when it comes back).
fn position_fields(at: &QueuePage) -> Markup {
    let cursor = at.campaign.as_ref().zip(at.cursor).map(|(c, at)| {
        Cursor {
            campaign: c.clone(),
            at,
        }
        .encode()
    });
    html! {
        input type="hidden" name="show" value=(at.show.as_str());
        @if let Some(c) = &at.campaign { input type="hidden" name="campaign" value=(c); }
        @if let Some(k) = cursor { input type="hidden" name="cursor" value=(k); }
    }
}

fn link(page: &QueuePage) -> String {
    format!("/reviews/mine{}", page.query())
}

/// "N of M decided", which items are shown, and links to the neighbouring
/// pages (previous, first, next) of one campaign.
fn pager(e: &QueueEntry, here: &QueuePage) -> Markup {
    let to = |at: Option<At>| {
        link(&QueuePage {
            show: here.show,
            campaign: Some(e.campaign.id.clone()),
            cursor: at,
        })
    };
    let shown = match (e.items.first(), e.items.last()) {
        (Some(f), Some(l)) => format!("items #{} to #{} shown ({})", f.id, l.id, e.items.len()),
        _ => "no items on this page".to_owned(),
    };
    html! {
        p.meta.progress data-decided=(e.decided) data-assigned=(e.assigned) {
            strong { (e.decided) " of " (e.assigned) " decided" } " · " (shown)
            " · due " (e.campaign.due_at.map_or_else(|| "—".to_owned(), |t| t.to_string()))
        }
        @if e.previous.is_some() || e.next.is_some() || e.at.is_some() {
            nav.pager aria-label={ "pages of " (e.campaign.name) } {
                @if let Some(p) = &e.previous { a.button.secondary rel="prev" href=(to(Some(p.at))) { "← Previous" } " " }
                @if e.at.is_some() { a.button.secondary href=(to(None)) { "First page" } " " }
                @if let Some(n) = &e.next { a.button.secondary rel="next" href=(to(Some(n.at))) { "Next →" } }
            }
        }
    }
}

async fn render(
    state: &AppState,
    who: &Principal,
    here: &QueuePage,
    error: Option<&str>,
) -> Result<Html<String>, WebError> {
    let entries = reviews_items::queue(state, who, here).await?;
    let toggle = QueuePage {
        show: match here.show {
            QueueShow::All => QueueShow::Undecided,
            QueueShow::Undecided => QueueShow::All,
        },
        campaign: here.campaign.clone(),
        cursor: None,
    };
    let overview = QueuePage {
        show: here.show,
        ..QueuePage::default()
    };
    let mut first = true;
    let body = html! {
        h1 { "My reviews" }
        p { "Decide each item: keep the access, or revoke it (say why). Revoking records the decision; the access is removed in AWS by your administrators, and later syncs show when it is gone. Reassign an item that someone else should review." }
        @if let Some(e) = error { p.banner.warn.error-box #decision-error role="alert" { (e) } }
        div.filters {
            @if here.campaign.is_some() { a.button.secondary href=(link(&overview)) { "All my campaigns" } " " }
            @if here.show == QueueShow::All { a.button.secondary href=(link(&toggle)) { "Show undecided only" } }
            @else { a.button.secondary href=(link(&toggle)) { "Show decided items too" } }
        }
        @if entries.is_empty() { p #queue-empty { "Nothing to review." } }
        @for e in &entries {
            @let c = &e.campaign;
            @let bulk = format!("bulk-{}", c.id);
            section.campaign data-campaign=(c.id) {
                h2 {
                    @if here.campaign.is_some() { (c.name) }
                    @else { a href=(link(&QueuePage { show: here.show, campaign: Some(c.id.clone()), cursor: None })) { (c.name) } }
                }
                (pager(e, here))
                form id=(bulk) method="post" action={ "/reviews/" (c.id) "/bulk" } {
                    (csrf_field(who))
                    (position_fields(here))
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
                                    (position_fields(here))
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
                @if here.campaign.is_none() && e.next.is_some() {
                    p { a href=(link(&QueuePage { show: here.show, campaign: Some(c.id.clone()), cursor: e.next.as_ref().map(|n| n.at) })) { "More items in " (c.name) " →" } }
                }
            }
        }
    };
    Ok(Html(
        page("My reviews", state, Some(who), "/reviews/mine", &body).into_string(),
    ))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn mine(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    AppQuery(q): AppQuery<QueueQuery>,
) -> Result<Html<String>, WebError> {
    let here = QueuePage::parse(
        q.show.as_deref(),
        q.campaign.as_deref(),
        q.cursor.as_deref(),
    )?;
    render(&state, &who, &here, None).await
}

/// A decision returns to the page it was made on; a refused one (no
/// comment, own access, closed campaign…) shows that page again with the
/// reason; anything else is an error page.
async fn after(
    state: &AppState,
    who: &Principal,
    here: &QueuePage,
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&link(here)).into_response()),
        Err(e @ (WebError::BadRequest { .. } | WebError::Conflict(_))) => {
            let status = e.status();
            let page = render(state, who, here, Some(&e.body().message)).await?;
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
    #[serde(default)]
    show: Option<String>,
    #[serde(default)]
    campaign: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn decide(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    Path((campaign, item)): Path<(String, String)>,
    AppForm(f): AppForm<DecideForm>,
) -> Result<Response, WebError> {
    who.check_csrf(&f.csrf)?;
    let here = QueuePage::parse(
        f.show.as_deref(),
        f.campaign.as_deref(),
        f.cursor.as_deref(),
    )?;
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
    after(&state, &who, &here, result).await
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
    let here = QueuePage::parse(field("show"), field("campaign"), field("cursor"))?;
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
    after(&state, &who, &here, result).await
}
