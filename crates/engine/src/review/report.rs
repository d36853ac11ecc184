//! The campaign's printable report (HTML, no script, no outside resources):
//! what was reviewed, by whom, what was decided and whether revocations
//! were carried out. Rendered with maud, so every value is escaped.

use maud::{DOCTYPE, html};
use roster_core::Timestamp;
use roster_core::evidence::{CheckResult, Status};
use roster_core::review::Verdict;
use roster_store::{Campaign, DecisionRecord, ReviewerProgress};

/// Decisions listed in the report; the CSV and JSON hold all of them.
const LISTED: usize = 2_000;

pub(super) struct ReportData<'a> {
    pub campaign: &'a Campaign,
    pub source_name: Option<&'a str>,
    pub progress: &'a [ReviewerProgress],
    pub decisions: &'a [DecisionRecord],
    pub check: &'a CheckResult,
    pub exported_at: Timestamp,
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left}\
th{background:#eee}.fail{color:#a00;font-weight:bold}.pass{color:#070;font-weight:bold}\
@media print{body{margin:0}}";

pub(super) fn render(d: &ReportData<'_>) -> String {
    let c = d.campaign;
    let decided: u64 = d.progress.iter().map(|p| p.decided).sum();
    let revoked: u64 = d.progress.iter().map(|p| p.revoked).sum();
    let kept: u64 = d.progress.iter().map(|p| p.kept).sum();
    let status_class = if d.check.status == Status::Fail {
        "fail"
    } else {
        "pass"
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Access review " (c.name) }
                style { (STYLE) }
            }
            body {
                h1 { "Access review: " (c.name) }
                table {
                    tr { th { "Campaign" } td { (c.id) } }
                    tr { th { "Source" } td { (d.source_name.unwrap_or_default()) " (" (c.source_id) ")" } }
                    tr { th { "Population" } td { (c.kind) " as of snapshot (sync) " (c.sync_id) } }
                    tr { th { "Filter" } td {
                        @if c.filter.is_everything() { "everything in the snapshot" } @else {
                            @if c.filter.privileged_only { "privileged only (" (c.privileged_patterns.join(", ")) "); " }
                            @if !c.filter.groups.is_empty() { "groups: " (c.filter.groups.join(", ")) "; " }
                            @if !c.filter.accounts.is_empty() { "accounts: " (c.filter.accounts.join(", ")) }
                        }
                    } }
                    tr { th { "Items" } td { (c.items) } }
                    tr { th { "Opened" } td { (c.created_at) " by " (c.created_by) } }
                    tr { th { "Due" } td { (c.due_at.map_or_else(|| "—".to_owned(), |t| t.to_string())) } }
                    tr { th { "Status" } td { (c.status.as_str())
                        @if let (Some(at), Some(by)) = (&c.closed_at, &c.closed_by) { ", closed " (at) " by " (by) } } }
                    tr { th { "Decided" } td { (decided) " of " (c.items) " (kept " (kept) ", revoked " (revoked) ")" } }
                    tr { th { "Remediation window" } td { (c.remediation_days) " days" } }
                    tr { th { "Report as of" } td { (d.exported_at) } }
                }
                h2 { "Progress per reviewer" }
                table {
                    tr { th { "Reviewer" } th { "Items" } th { "Decided" } th { "Kept" } th { "Revoked" } }
                    @for p in d.progress {
                        tr {
                            td { (p.reviewer.as_deref().unwrap_or("(unassigned)")) }
                            td { (p.items) } td { (p.decided) } td { (p.kept) } td { (p.revoked) }
                        }
                    }
                }
                h2 { "Verification of revocations (" (d.check.id) ")" }
                p class=(status_class) { (d.check.status.as_str()) ": " (d.check.summary) }
                @if !d.check.findings.is_empty() {
                    ul { @for f in &d.check.findings { li { (f.detail) } } }
                }
                h2 { "Decisions" }
                p { (d.decisions.len()) " records, oldest first (every record is in decisions.csv and decisions.json)." }
                table {
                    tr { th { "#" } th { "Item" } th { "Decision" } th { "By" } th { "At" } th { "Comment" } }
                    @for r in d.decisions.iter().take(LISTED) {
                        tr {
                            td { (r.id) } td { (r.item_id) }
                            td { (r.verdict.as_str())
                                @if r.verdict == Verdict::Reassign { " → " (r.reassigned_to.as_deref().unwrap_or_default()) } }
                            td { (r.actor) } td { (r.at) } td { (r.comment.as_deref().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}
