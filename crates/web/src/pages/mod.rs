//! Console pages: server-rendered HTML, one module per page family; thin
//! adapters over `crate::service` (see its route table). Errors
//! from handlers (JSON `WebError`s) are turned into HTML here, and signed-out
//! visitors are sent to the sign-in page.

mod access;
mod access_checks;
mod access_diff;
mod access_sections;
mod audit;
mod checks;
mod controls;
mod demo;
mod diff;
mod evidence;
mod groups;
mod invite;
pub mod layout;
mod permission_sets;
mod review_owners;
mod review_queue;
mod reviews;
mod settings;
mod signin;
mod sources;
mod syncs;
mod team;
mod tokens;
mod users;
mod wizard;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

use crate::error::ErrorBody;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::signout))
        .route(
            "/setup/{token}",
            get(signin::setup_form).post(signin::setup_submit),
        )
        .route("/signin/link/{token}", get(signin::link))
        .route("/invite/{token}", get(invite::form).post(invite::accept))
        .route("/sources", get(sources::catalog).post(sources::toggle_on))
        .route("/sources/{id}", get(settings::show))
        .route("/sources/{id}/wizard", get(wizard::show))
        .route("/sources/{id}/sync", post(settings::sync_now))
        .route("/sources/{id}/disable", post(settings::disable))
        .route("/sources/{id}/enable", post(settings::enable))
        .route("/sources/{id}/delete", post(settings::delete))
        .route("/sources/{id}/interval", post(settings::interval))
        .route("/sources/{id}/rate", post(settings::rate))
        .route("/sources/{id}/quota", post(settings::quota))
        .route("/users", get(users::list))
        .route("/users/{user_id}", get(users::detail))
        .route("/groups", get(groups::list))
        .route("/groups/{group_id}", get(groups::detail))
        .route("/access", get(access::show))
        .route("/access/diff", get(access_diff::show))
        .route(
            "/permission-sets/{permission_set}",
            get(permission_sets::show),
        )
        .route("/sources/{id}/access/settings", post(access_checks::save))
        .route("/syncs", get(syncs::list))
        .route("/settings/team", get(team::list).post(team::create))
        .route("/settings/tokens", get(tokens::list).post(tokens::create))
        .route("/settings/tokens/{id}/revoke", post(tokens::revoke))
        .route("/audit", get(audit::list))
        .merge(review_routes())
        .route("/demo/aws", get(demo::form).post(demo::create_role))
        .route("/demo/aws/membership", post(demo::remove_membership))
        .merge(evidence::routes())
        .layer(middleware::from_fn(html_errors))
}

/// Access reviews: campaigns (admins, auditors), owners, and every
/// user's own queue (`/reviews/mine`, the only pages a reviewer sees).
fn review_routes() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(reviews::list).post(reviews::create))
        .route("/reviews/new", get(reviews::new_form))
        .route(
            "/reviews/owners",
            get(review_owners::list).post(review_owners::set),
        )
        .route("/reviews/mine", get(review_queue::mine))
        .route("/reviews/{campaign}", get(reviews::show))
        .route("/reviews/{campaign}/close", post(reviews::close))
        .route("/reviews/{campaign}/bundle", get(reviews::bundle))
        .route("/reviews/{campaign}/bulk", post(review_queue::bulk))
        .route(
            "/reviews/{campaign}/items/{item}/decide",
            post(review_queue::decide),
        )
}

/// The landing page of the signed-in user's role (signed out: sign in).
async fn home(who: Result<crate::auth::AnyRole, crate::error::WebError>) -> Redirect {
    match who {
        Ok(crate::auth::AnyRole(p)) => Redirect::to(crate::auth::landing(&p.user)),
        Err(_) => Redirect::to("/signin"),
    }
}

/// Errors as HTML pages; "sign in first" as a redirect to the sign-in page.
async fn html_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let Some(body) = response.extensions().get::<ErrorBody>().cloned() else {
        return response;
    };
    if response.status() == StatusCode::UNAUTHORIZED {
        return Redirect::to("/signin").into_response();
    }
    let status = response.status();
    let page = layout::bare(
        "Error",
        &html! {
            div.signin {
                h1 { (status.canonical_reason().unwrap_or("Error")) }
                p.error-box { (body.message) }
                @if let Some(fix) = &body.fix { pre.code { (fix) } }
                p { a href="/sources" { "Back to Sources" } }
            }
        },
    );
    let mut r = (status, Html(page.into_string())).into_response();
    r.headers_mut().remove(header::CONTENT_LENGTH);
    r
}
