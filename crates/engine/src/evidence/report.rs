//! The readable report of a snapshot: one self-contained HTML page (inline
//! CSS, server-rendered SVG charts, no scripts, no external resources) with
//! the summary, checks, controls, changes, and directory size and change
//! over time. Prints cleanly to PDF.
//!
//! Rendered with maud, so every value is escaped unless marked otherwise.
//! The report is inside the signed bundle and must stay byte-identical for
//! the same snapshot: text values go through [`Text`], which escapes as the
//! report always has (maud's `& < > "` plus `'`), and SVG's empty elements
//! keep their `/>` through [`svg_empty`].

use std::fmt::Display;

use maud::{DOCTYPE, Markup, PreEscaped, Render, html};
use roster_core::TenantId;
use roster_core::evidence::frameworks::{self, CONTROLS};
use roster_core::evidence::{CheckReport, CheckResult, Diff, SyncChangeCount};
use roster_store::{Snapshot, Source, Store, SyncRun};

use super::access::{AccessEvidence, access_snapshot};
use super::{AsOf, check_report, complete_run, diff, snapshot_history};
use crate::EngineError;

/// Syncs shown in the charts (the most recent ones up to the snapshot).
const CHART_SYNCS: u32 = 60;
/// Findings listed per check before "… and N more".
const FINDINGS_SHOWN: usize = 50;

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub source: Source,
    pub run: SyncRun,
    pub checks: CheckReport,
    pub diff: Option<Diff>,
    /// Complete syncs up to the snapshot, oldest first.
    pub history: Vec<SyncRun>,
    /// Change per sync up to the snapshot, oldest first.
    pub changes: Vec<SyncChangeCount>,
    /// The access snapshot that goes with the snapshot, when the source
    /// collects access (`None` leaves the report as it always was).
    pub access: Option<AccessEvidence>,
}

impl ReportData {
    pub async fn gather(
        store: &dyn Store,
        tenant: &TenantId,
        source: &Source,
        run: &SyncRun,
        checks: &CheckReport,
        diff: Option<&Diff>,
    ) -> Result<Self, EngineError> {
        let mut history = snapshot_history(store, tenant, &source.id, run.id).await?;
        let skip = history.len().saturating_sub(CHART_SYNCS as usize);
        history.drain(..skip);
        let mut changes = store
            .change_counts(tenant, &source.id, run.id, CHART_SYNCS)
            .await?;
        changes.reverse();
        Ok(Self {
            source: source.clone(),
            run: run.clone(),
            checks: checks.clone(),
            diff: diff.cloned(),
            history,
            changes,
            access: None,
        })
    }
}

/// The report of a snapshot as HTML, checks evaluated `as_of`.
pub async fn render_report(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
    as_of: AsOf,
) -> Result<String, EngineError> {
    let run = complete_run(store, tenant, snapshot.sync_id, Some(&snapshot.source_id)).await?;
    let source = store.get_source(tenant, &snapshot.source_id).await?;
    let checks = check_report(store, tenant, snapshot, as_of).await?;
    let diff = diff(
        store,
        tenant,
        &snapshot.source_id,
        None,
        Some(snapshot.sync_id),
    )
    .await?;
    let mut data = ReportData::gather(store, tenant, &source, &run, &checks, diff.as_ref()).await?;
    data.access = match access_snapshot(store, tenant, snapshot).await? {
        Some(a) => Some(AccessEvidence::gather(store, tenant, a).await?),
        None => None,
    };
    Ok(render(&data))
}

/// Text escaped as the report always has: `& < > "` as maud does, and `'`
/// as `&#39;` too (kept so that re-exported reports stay byte-identical).
pub(super) struct Text<'a>(pub(super) &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        for c in self.0.chars() {
            match c {
                '&' => buffer.push_str("&amp;"),
                '<' => buffer.push_str("&lt;"),
                '>' => buffer.push_str("&gt;"),
                '"' => buffer.push_str("&quot;"),
                '\'' => buffer.push_str("&#39;"),
                c => buffer.push(c),
            }
        }
    }
}

/// An empty SVG element written `<name a="v" …/>` (maud writes void
/// elements without the slash); every value is escaped.
pub(super) fn svg_empty(name: &str, attrs: &[(&str, &dyn Display)]) -> Markup {
    let mut out = format!("<{name}");
    for (key, value) in attrs {
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        Text(&value.to_string()).render_to(&mut out);
        out.push('"');
    }
    out.push_str("/>");
    PreEscaped(out)
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;max-width:980px;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #d8dde6;padding-bottom:.2rem;margin-top:2rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e6e9ef;vertical-align:top}\
th{background:#f4f6f9;font-weight:600}.muted{color:#5d6677}.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600;text-transform:uppercase}\
.pass{background:#dcf5e3;color:#116329}.fail{background:#fde2e1;color:#a4161a}.review{background:#fff1cc;color:#7a5200}.skipped{background:#eceff3;color:#49505c}\
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d8dde6;border-radius:.4rem;padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.4rem}\
details{margin:.2rem 0}summary{cursor:pointer}code{font-size:.85em}svg text{font:11px system-ui,sans-serif;fill:#5d6677}\
@media print{body{margin:0;max-width:none;font-size:11px}section{break-inside:avoid-page}details{display:block}details>summary{list-style:none}a{color:inherit;text-decoration:none}}";

fn header(d: &ReportData) -> Markup {
    let loc = d.source.location.as_ref();
    let finished = d.run.finished_at.map(|t| t.to_string()).unwrap_or_default();
    let store = d
        .run
        .identity_store_id
        .as_deref()
        .or(loc.map(|l| l.identity_store_id.as_str()))
        .unwrap_or("—");
    let region = d
        .run
        .region
        .as_deref()
        .or(loc.map(|l| l.region.as_str()))
        .unwrap_or("—");
    let account = loc.and_then(|l| l.account_id.as_ref()).map_or_else(
        || {
            d.source
                .role_arn
                .as_ref()
                .map_or("—".to_owned(), |r| r.account().to_string())
        },
        ToString::to_string,
    );
    let role = d
        .source
        .role_arn
        .as_ref()
        .map_or("—".to_owned(), ToString::to_string);
    html! {
        header {
            h1 { "Access evidence: " (Text(&d.source.name)) }
            p.muted { "AWS IAM Identity Center · snapshot of sync " (d.run.id) " · finished " (Text(&finished)) }
            table {
                tr { th { "Identity Store ID" } td { (Text(store)) } th { "Region" } td { (Text(region)) } }
                tr { th { "Account" } td { (Text(&account)) } th { "Role ARN" } td { code { (Text(&role)) } } }
                tr { th { "Source ID" } td { code { (Text(d.source.id.as_str())) } } th { "Checks evaluated" } td { (Text(&d.checks.as_of)) } }
            }
        }
    }
}

fn summary(d: &ReportData) -> Markup {
    let c = d.run.counts;
    let s = d.checks.summary;
    let changes = d.diff.as_ref().map_or("first snapshot".to_owned(), |x| {
        x.summary.total().to_string()
    });
    let card = |value: &dyn Display, label: &str| html! { div.card { b { (value) } (label) } };
    html! {
        section {
            h2 { "Summary" }
            div.cards {
                (card(&c.users, "users")) (card(&c.groups, "groups")) (card(&c.memberships, "memberships"))
                (card(&s.pass, "checks passed")) (card(&s.fail, "checks failed")) (card(&s.review, "to review"))
                div.card { b { (Text(&changes)) } "changes since previous" }
            }
        }
    }
}

fn checks(d: &ReportData) -> Markup {
    html! {
        section {
            h2 { "Checks" }
            (check_table(&d.checks.checks, "checks.json"))
        }
    }
}

/// The table of check results (the `IDS-` checks, and the `ACC-` checks of
/// the access section); `file` is where the findings not shown are.
pub(super) fn check_table(results: &[CheckResult], file: &str) -> Markup {
    html! {
        table {
            tr { th { "Check" } th { "Status" } th { "Result" } th { "Controls" } }
            @for c in results {
                @let st = c.status.as_str();
                tr {
                    td { b { (c.id) } br; span.muted { (Text(c.title)) } }
                    td { span class={ "badge " (st) } { (st) } }
                    td {
                        (Text(&c.summary))
                        @if !c.findings.is_empty() {
                            details {
                                summary { (c.findings.len()) " finding(s)" }
                                ul {
                                    @for f in c.findings.iter().take(FINDINGS_SHOWN) {
                                        li {
                                            (f.kind) " " code { (Text(&f.id)) }
                                            @if let Some(n) = &f.name { " " (Text(n)) }
                                            ": " (Text(&f.detail))
                                        }
                                    }
                                    @if c.findings.len() > FINDINGS_SHOWN {
                                        li { "… and " (c.findings.len() - FINDINGS_SHOWN) " more (see " (file) ")" }
                                    }
                                }
                            }
                        }
                    }
                    td {
                        @for (i, k) in c.controls.iter().enumerate() {
                            @if i > 0 { br; }
                            (Text(k))
                        }
                    }
                }
            }
        }
    }
}

fn controls(d: &ReportData) -> Markup {
    let status = |id: &str| {
        d.checks
            .checks
            .iter()
            .find(|r| r.id == id)
            .map_or("skipped", |r| r.status.as_str())
    };
    html! {
        section {
            h2 { "Controls" }
            table {
                tr { th { "Framework" } th { "Control" } th { "Supported by" } }
                @for ctl in CONTROLS {
                    tr {
                        td { (Text(frameworks::framework_name(ctl.framework))) }
                        td { b { (Text(ctl.id)) } " " (Text(ctl.title)) }
                        td {
                            @for (i, c) in frameworks::checks_for(&ctl.key()).iter().enumerate() {
                                @let st = status(c.id);
                                @if i > 0 { " " }
                                (c.id) " " span class={ "badge " (st) } { (st) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn changes(d: &ReportData) -> Markup {
    html! {
        section {
            h2 { "Changes since the previous snapshot" }
            @if let Some(diff) = &d.diff {
                @let s = diff.summary;
                p.muted { "From sync " (diff.from_sync) " to sync " (diff.to_sync) "." }
                table {
                    tr { th {} th { "Added" } th { "Removed" } th { "Changed" } }
                    tr { td { "Users" } td { (s.users_added) } td { (s.users_removed) } td { (s.users_changed) } }
                    tr { td { "Groups" } td { (s.groups_added) } td { (s.groups_removed) } td { (s.groups_renamed) " renamed, " (s.groups_changed) " changed" } }
                    tr { td { "Memberships" } td { (s.memberships_added) } td { (s.memberships_removed) } td { "—" } }
                }
            } @else {
                p.muted { "This is the source's first snapshot." }
            }
        }
    }
}

/// One line of the line chart: label, colour, value of a sync, legend's y.
type Series = (&'static str, &'static str, fn(&SyncRun) -> u64, f64);

/// Every `n`th label along an axis, so that at most about 12 are shown.
fn labelled(i: usize, n: usize) -> bool {
    n <= 12 || i.is_multiple_of(n / 12 + 1)
}

// Chart coordinates: f64 precision is far beyond a pixel.
#[allow(clippy::cast_precision_loss, clippy::many_single_char_names)]
fn line_chart(d: &ReportData) -> Markup {
    let (w, h, pad) = (640.0_f64, 180.0_f64, 30.0_f64);
    let n = d.history.len();
    let max = d
        .history
        .iter()
        .map(|r| r.counts.users.max(r.counts.groups))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |i: usize| {
        if n <= 1 {
            w / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: u64| h - pad - (h - 2.0 * pad) * v as f64 / max;
    let (b, r) = (h - pad, w - pad);
    let series: [Series; 2] = [
        ("users", "#2b6cb0", |r| r.counts.users, 12.0),
        ("groups", "#c05621", |r| r.counts.groups, 26.0),
    ];
    html! {
        figure {
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img" aria-label="Users and groups per snapshot" {
                (svg_empty("line", &[("x1", &pad), ("y1", &b), ("x2", &r), ("y2", &b), ("stroke", &"#ccd")]))
                text x="2" y=(pad) { (max) }
                text x="2" y=(b) { "0" }
                @for (label, color, get, ly) in series {
                    @let points: Vec<(String, String)> = d.history.iter().enumerate()
                        .map(|(i, r)| (format!("{:.1}", x(i)), format!("{:.1}", y(get(r)))))
                        .collect();
                    @let joined = points.iter().map(|(px, py)| format!("{px},{py}")).collect::<Vec<_>>().join(" ");
                    (svg_empty("polyline", &[("fill", &"none"), ("stroke", &color), ("stroke-width", &"2"), ("points", &joined)]))
                    @for (px, py) in &points {
                        (svg_empty("circle", &[("cx", px), ("cy", py), ("r", &"2.5"), ("fill", &color)]))
                    }
                    text x=(w - 90.0) y=(ly) style={ "fill:" (color) } { "■ " (label) }
                }
                @for (i, r) in d.history.iter().enumerate().filter(|(i, _)| labelled(*i, n)) {
                    text x=(format!("{:.1}", x(i))) y=(h - 10.0) text-anchor="middle" { (r.id) }
                }
            }
            figcaption.muted { "Users and groups per snapshot (by sync ID)" }
        }
    }
}

#[allow(clippy::cast_precision_loss, clippy::many_single_char_names)]
fn bar_chart(d: &ReportData) -> Markup {
    let (w, h, pad) = (640.0_f64, 160.0_f64, 30.0_f64);
    let n = d.changes.len().max(1);
    let max = d
        .changes
        .iter()
        .map(SyncChangeCount::total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (w - 2.0 * pad) / n as f64;
    let (b, r) = (h - pad, w - pad);
    html! {
        figure {
            svg viewBox=(format!("0 0 {w} {h}")) width="100%" role="img" aria-label="Changes per sync" {
                (svg_empty("line", &[("x1", &pad), ("y1", &b), ("x2", &r), ("y2", &b), ("stroke", &"#ccd")]))
                text x="2" y=(pad) { (max) }
                @for (i, c) in d.changes.iter().enumerate() {
                    @let bh = (h - 2.0 * pad) * c.total() as f64 / max;
                    @let bx = pad + slot * i as f64 + slot * 0.15;
                    rect x=(format!("{bx:.1}")) y=(format!("{:.1}", h - pad - bh)) width=(format!("{:.1}", slot * 0.7)) height=(format!("{bh:.1}")) fill="#805ad5" {
                        title { "sync " (c.sync_id) ": " (c.users) " user, " (c.groups) " group, " (c.memberships) " membership versions" }
                    }
                    @if labelled(i, n) {
                        text x=(format!("{:.1}", bx + slot * 0.35)) y=(h - 10.0) text-anchor="middle" { (c.sync_id) }
                    }
                }
            }
            figcaption.muted { "Changes per sync: entity versions introduced or ended (a sync without change has no bar)" }
        }
    }
}

/// Renders the report. Deterministic: the same data gives the same bytes.
pub fn render(d: &ReportData) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { "roster evidence: " (Text(&d.source.name)) " (sync " (d.run.id) ")" }
                style { (PreEscaped(CSS)) }
            }
            body {
                (header(d))
                (summary(d))
                (checks(d))
                (controls(d))
                (changes(d))
                @if let Some(a) = &d.access { (super::report_access::section(a)) }
                section {
                    h2 { "Over time" }
                    (line_chart(d))
                    (bar_chart(d))
                }
                footer.muted {
                    p {
                        "Generated by roster " (env!("CARGO_PKG_VERSION")) " from stored snapshots. The bundle's manifest.json holds the SHA-256 of this file, signed with Ed25519; verify with "
                        code { "roster evidence verify" } "."
                    }
                }
            }
        }
    };
    let mut out = page.into_string();
    out.push('\n');
    out
}
