//! The report's access section (only for a snapshot with access data): the
//! access snapshot's size, privileged access per account as a bar chart and
//! a table, the `ACC-` checks with their controls, and what was gained and
//! lost since the previous access snapshot.

use maud::{Markup, html};

use super::access::{AccessEvidence, PrivilegedAccount};
use super::report::{Text, check_table, svg_empty};

/// Accounts drawn in the chart (the most privileged holders first).
const CHART_ACCOUNTS: usize = 25;

fn label(p: &PrivilegedAccount) -> String {
    match &p.account_name {
        Some(n) => format!("{n} ({})", p.account_id),
        None => p.account_id.clone(),
    }
}

/// Horizontal bars: one per account, its length the distinct users holding
/// a privileged permission set there.
// Chart coordinates: f64 precision is far beyond a pixel.
#[allow(clippy::cast_precision_loss)]
fn chart(accounts: &[PrivilegedAccount]) -> Markup {
    let shown = &accounts[..accounts.len().min(CHART_ACCOUNTS)];
    let (w, row, left, pad) = (640.0_f64, 20.0_f64, 230.0_f64, 10.0_f64);
    let h = pad * 2.0 + row * shown.len().max(1) as f64;
    let max = shown.iter().map(|p| p.users).max().unwrap_or(0).max(1) as f64;
    let span = w - left - 60.0;
    html! {
        figure {
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img" aria-label="Users with privileged access per account" {
                (svg_empty("line", &[("x1", &left), ("y1", &pad), ("x2", &left), ("y2", &(h - pad)), ("stroke", &"#ccd")]))
                @for (i, p) in shown.iter().enumerate() {
                    @let y = pad + row * i as f64;
                    @let bw = span * p.users as f64 / max;
                    @let name = label(p);
                    text x=(format!("{:.1}", left - 6.0)) y=(format!("{:.1}", y + row * 0.65)) text-anchor="end" { (Text(&name)) }
                    rect x=(format!("{left:.1}")) y=(format!("{:.1}", y + 3.0)) width=(format!("{bw:.1}")) height=(format!("{:.1}", row - 6.0)) fill="#c53030" {
                        title { (Text(&name)) ": " (p.users) " user(s) with privileged access" }
                    }
                    text x=(format!("{:.1}", left + bw + 4.0)) y=(format!("{:.1}", y + row * 0.65)) { (p.users) }
                }
            }
            figcaption.muted {
                "Users holding an administrator-level or privileged permission set, per account"
                @if accounts.len() > shown.len() { " (the " (shown.len()) " accounts with the most; all " (accounts.len()) " in the table)" }
            }
        }
    }
}

fn privileged(a: &AccessEvidence) -> Markup {
    let accounts = &a.privileged_accounts;
    html! {
        h3 { "Privileged access per account" }
        @if accounts.is_empty() {
            p.muted { "No one holds a privileged permission set." }
        } @else {
            (chart(accounts))
            table {
                tr { th { "Account" } th { "Users" } th { "Privileged permission sets (users)" } }
                @for p in accounts {
                    tr {
                        td { (Text(&label(p))) }
                        td { (p.users) }
                        td {
                            @for (i, (ps, n)) in p.by_permission_set.iter().enumerate() {
                                @if i > 0 { ", " }
                                (Text(ps)) " (" (n) ")"
                            }
                        }
                    }
                }
            }
        }
    }
}

fn changes(a: &AccessEvidence) -> Markup {
    let privileged: std::collections::BTreeSet<&str> = a
        .permission_sets
        .iter()
        .filter(|p| p.privileged)
        .map(|p| p.facts.permission_set.permission_set_arn.as_str())
        .collect();
    html! {
        h3 { "Access changes since the previous access snapshot" }
        @if let Some(d) = &a.diff {
            @let count = |rows: &[roster_core::sso::AccessRow]| rows.iter().filter(|r| privileged.contains(r.permission_set_arn.as_str())).count();
            p.muted { "From sync " (d.from_sync) " to sync " (d.to_sync) " (access_diff.csv lists every row)." }
            table {
                tr { th {} th { "Gained" } th { "Lost" } }
                tr { td { "Access rows" } td { (d.gained.len()) } td { (d.lost.len()) } }
                tr { td { "Of privileged permission sets" } td { (count(&d.gained)) } td { (count(&d.lost)) } }
            }
        } @else {
            p.muted { "This is the source's first access snapshot." }
        }
    }
}

/// The access section.
pub fn section(a: &AccessEvidence) -> Markup {
    let rows = a.rows;
    let card = |value: usize, label: &str| html! { div.card { b { (value) } (label) } };
    html! {
        section #access {
            h2 { "Access: who can reach which AWS account" }
            p.muted {
                "IAM Identity Center access snapshot of sync " (a.snapshot.at.sync_id)
                ": account assignments expanded through the directory's groups (access.csv has one row per user, account, permission set and path)."
            }
            div.cards {
                (card(a.accounts.len(), "accounts")) (card(a.permission_sets.len(), "permission sets"))
                (card(rows.all, "access rows")) (card(rows.privileged, "privileged"))
                (card(rows.direct, "direct")) (card(rows.orphaned, "orphaned"))
            }
            (privileged(a))
            h3 { "Access checks" }
            (check_table(&a.checks.checks, "access_checks.json"))
            (changes(a))
        }
    }
}
