//! The Sources page: catalog cards with category filter and search,
//! the tenant's connections, and "toggle on" creating a pending connection.

use axum::extract::State;
use axum::response::{Html, Redirect};
use maud::{Markup, html};
use roster_store::Source;
use serde::Deserialize;

use super::layout::{csrf_field, page};
use crate::auth::Principal;
use crate::catalog::{self, CatalogEntry};
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery};
use crate::service::sources;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct CatalogQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

fn status_tag(s: &Source) -> Markup {
    let (class, label) = match s.status.as_str() {
        "connected" => ("tag ok", "connected"),
        "pending" => ("tag pending", "pending"),
        other => ("tag", other),
    };
    html! { span class=(class) { (label) } }
}

fn card(e: &CatalogEntry, who: &Principal, sources: &[Source]) -> Markup {
    html! {
        div.card data-name=(e.name) data-description=(e.description) data-category=(e.category) data-kind=(e.kind) {
            h3 { (e.name) }
            div.meta { span.tag { (e.category) } span.tag { (e.authentication) } }
            p { (e.description) }
            @if !e.available {
                p.meta { strong { "Coming soon" } }
            } @else {
                form.toggle method="post" action="/sources" {
                    (csrf_field(who))
                    input type="hidden" name="kind" value=(e.kind);
                    label.switch {
                        input type="checkbox" name="on" aria-label={ "Turn on " (e.name) } disabled[!who.is_admin()];
                        span { "Turn on (opens the connection wizard)" }
                    }
                    noscript { button type="submit" { "Turn on" } }
                }
                @if !sources.is_empty() {
                    h4 { "Connections" }
                    ul {
                        @for s in sources {
                            li {
                                a href={ "/sources/" (s.id) } { (s.name) } " " (status_tag(s))
                                @if let Some(l) = &s.location { " " code { (l.identity_store_id) } }
                                @if s.status.as_str() == "pending" { " · " a href={ "/sources/" (s.id) "/wizard" } { "continue the wizard" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn catalog(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<CatalogQuery>,
) -> Result<Html<String>, WebError> {
    let sources = sources::list(&state, &who).await?;
    let cards = catalog::filter(q.category.as_deref(), q.q.as_deref());
    let body = html! {
        h1 { "Sources" }
        @if state.principal.is_none() {
            div.banner.warn #no-aws {
                strong { "roster has no AWS identity. " }
                "It found no AWS credentials of its own (environment, profile, instance or container role), so it cannot assume customer roles, and trust policies show a placeholder for its principal. "
                @if let Some(p) = &state.principal_problem { "(" (p) ") " }
                "Configure credentials or set ROSTER_PRINCIPAL_ARN and restart."
            }
        }
        form.filters method="get" action="/sources" {
            div { label for="catalog-search" { "Search" } input #catalog-search type="search" name="q" value=[q.q.as_deref()] placeholder="Name or description"; }
            div {
                label for="catalog-category" { "Category" }
                select #catalog-category name="category" {
                    option value="" { "All categories" }
                    @for c in catalog::categories() { option value=(c) selected[q.category.as_deref() == Some(c)] { (c) } }
                }
            }
            noscript { button type="submit" { "Filter" } }
        }
        div.cards {
            @for e in &cards { (card(e, &who, &sources)) }
        }
        @if cards.is_empty() { p.meta { "No source matches." } }
    };
    Ok(Html(
        page("Sources", &state, Some(&who), "/sources", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    csrf: String,
    kind: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn toggle_on(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<ToggleForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let source = sources::create(&state, &who, &f.kind, None).await?;
    Ok(Redirect::to(&format!("/sources/{}/wizard", source.id)))
}
