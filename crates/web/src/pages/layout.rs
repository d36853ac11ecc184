//! The page shell: head, navigation, the signed-in user, the demo banner.

use maud::{DOCTYPE, Markup, html};

use crate::auth::Principal;
use crate::state::AppState;

/// What a reviewer's navigation holds: their own queue, nothing else.
const REVIEWER_NAV: [(&str, &str); 1] = [("/reviews/mine", "My reviews")];

const NAV: [(&str, &str); 11] = [
    ("/sources", "Sources"),
    ("/users", "Users"),
    ("/groups", "Groups"),
    ("/access", "Access"),
    ("/syncs", "Syncs"),
    ("/checks", "Checks"),
    ("/evidence", "Evidence"),
    ("/reviews", "Reviews"),
    ("/audit", "Audit log"),
    ("/settings/team", "Team"),
    ("/settings/tokens", "API tokens"),
];

pub fn page(
    title: &str,
    state: &AppState,
    who: Option<&Principal>,
    active: &str,
    body: &Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(p) = who { meta name="csrf-token" content=(p.csrf_token()); }
                title { (title) " · roster" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                header.top {
                    span.brand { "roster" }
                    @if let Some(p) = who {
                        nav {
                            @for (href, label) in if p.is_reviewer() { &REVIEWER_NAV[..] } else { &NAV[..] } {
                                a href=(href) class=[(*href == active).then_some("active")] { (label) }
                            }
                            @if state.demo.is_some() && !p.is_reviewer() { a href="/demo/aws" class=[("/demo/aws" == active).then_some("active")] { "Simulated AWS console" } }
                        }
                    }
                    @if let Some(p) = who {
                        div.me {
                            span { (p.user.email) " (" (p.user.role.as_str()) ")" }
                            form.inline method="post" action="/signout" {
                                input type="hidden" name="csrf" value=(p.csrf_token());
                                button.secondary type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main {
                    @if who.is_some_and(|p| !p.is_reviewer()) { (demo_banner(state)) }
                    (body)
                }
                script src="/assets/app.js" defer {}
            }
        }
    }
}

fn demo_banner(state: &AppState) -> Markup {
    let Some(d) = &state.demo else {
        return html! {};
    };
    html! {
        div.banner.demo #demo-banner {
            strong { "Demo. " }
            "AWS here is roster's built-in fake AWS at " code { (d.aws_endpoint) } " (management account " code { (d.management_account) } "). "
            "To create the customer role, either use the " a href="/demo/aws" { "simulated AWS console" }
            " (paste the trust and permissions JSON from the wizard), or run the wizard's AWS CLI commands with "
            code { "AWS_ACCESS_KEY_ID=" (d.customer_access_key_id) " AWS_SECRET_ACCESS_KEY=" (d.customer_secret_access_key) " AWS_DEFAULT_REGION=" (d.region) }
            " — they already carry " code { "--endpoint-url " (d.aws_endpoint) } "."
        }
    }
}

/// A minimal page for signed-out visitors and errors.
pub fn bare(title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · roster" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body { main { (body) } script src="/assets/app.js" defer {} }
        }
    }
}

/// A code block with copy and (optionally) download buttons.
pub fn code_block(id: &str, text: &str, download: Option<&str>) -> Markup {
    html! {
        div.codeblock {
            div.actions {
                button.secondary type="button" data-copy=(id) { "Copy" }
                @if let Some(name) = download {
                    button.secondary type="button" data-download=(id) data-filename=(name) { "Download" }
                }
            }
            pre.code id=(id) { (text) }
        }
    }
}

/// A CSRF field for forms that change something.
pub fn csrf_field(who: &Principal) -> Markup {
    html! { input type="hidden" name="csrf" value=(who.csrf_token()); }
}
