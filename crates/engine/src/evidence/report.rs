//! The readable report of a snapshot: one self-contained HTML page (inline
//! CSS, server-rendered SVG charts, no scripts, no external resources) with
//! the summary, checks, controls, changes, and directory size and change
//! over time. Prints cleanly to PDF.

use std::fmt::Write as _;

use roster_core::TenantId;
use roster_core::evidence::frameworks::{self, CONTROLS};
use roster_core::evidence::{CheckReport, Diff, SyncChangeCount};
use roster_store::{Snapshot, Source, Store, SyncRun};

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
    let data = ReportData::gather(store, tenant, &source, &run, &checks, diff.as_ref()).await?;
    Ok(render(&data))
}

pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;max-width:980px;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #d8dde6;padding-bottom:.2rem;margin-top:2rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e6e9ef;vertical-align:top}\
th{background:#f4f6f9;font-weight:600}.muted{color:#5d6677}.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600;text-transform:uppercase}\
.pass{background:#dcf5e3;color:#116329}.fail{background:#fde2e1;color:#a4161a}.review{background:#fff1cc;color:#7a5200}.skipped{background:#eceff3;color:#49505c}\
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d8dde6;border-radius:.4rem;padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.4rem}\
details{margin:.2rem 0}summary{cursor:pointer}code{font-size:.85em}svg text{font:11px system-ui,sans-serif;fill:#5d6677}\
@media print{body{margin:0;max-width:none;font-size:11px}section{break-inside:avoid-page}details{display:block}details>summary{list-style:none}a{color:inherit;text-decoration:none}}";

fn header(out: &mut String, d: &ReportData) {
    let loc = d.source.location.as_ref();
    let _ = write!(
        out,
        "<header><h1>Access evidence: {name}</h1><p class=\"muted\">AWS IAM Identity Center · snapshot of sync {sync} · finished {fin}</p>\
         <table><tr><th>Identity Store ID</th><td>{store}</td><th>Region</th><td>{region}</td></tr>\
         <tr><th>Account</th><td>{account}</td><th>Role ARN</th><td><code>{role}</code></td></tr>\
         <tr><th>Source ID</th><td><code>{src}</code></td><th>Checks evaluated</th><td>{asof}</td></tr></table></header>",
        name = esc(&d.source.name),
        sync = d.run.id,
        fin = esc(d.run.finished_at.as_deref().unwrap_or("")),
        store = esc(d
            .run
            .identity_store_id
            .as_deref()
            .or(loc.map(|l| l.identity_store_id.as_str()))
            .unwrap_or("—")),
        region = esc(d
            .run
            .region
            .as_deref()
            .or(loc.map(|l| l.region.as_str()))
            .unwrap_or("—")),
        account = esc(&loc.and_then(|l| l.account_id.as_ref()).map_or_else(
            || d.source
                .role_arn
                .as_ref()
                .map_or("—".to_owned(), |r| r.account().to_string()),
            ToString::to_string
        )),
        role = esc(&d
            .source
            .role_arn
            .as_ref()
            .map_or("—".to_owned(), ToString::to_string)),
        src = esc(d.source.id.as_str()),
        asof = esc(&d.checks.as_of),
    );
}

fn summary(out: &mut String, d: &ReportData) {
    let c = d.run.counts;
    let s = d.checks.summary;
    let changes = d.diff.as_ref().map_or("first snapshot".to_owned(), |x| {
        x.summary.total().to_string()
    });
    let _ = write!(
        out,
        "<section><h2>Summary</h2><div class=\"cards\">\
         <div class=\"card\"><b>{}</b>users</div><div class=\"card\"><b>{}</b>groups</div><div class=\"card\"><b>{}</b>memberships</div>\
         <div class=\"card\"><b>{}</b>checks passed</div><div class=\"card\"><b>{}</b>checks failed</div><div class=\"card\"><b>{}</b>to review</div>\
         <div class=\"card\"><b>{}</b>changes since previous</div></div></section>",
        c.users,
        c.groups,
        c.memberships,
        s.pass,
        s.fail,
        s.review,
        esc(&changes)
    );
}

fn checks(out: &mut String, d: &ReportData) {
    out.push_str("<section><h2>Checks</h2><table><tr><th>Check</th><th>Status</th><th>Result</th><th>Controls</th></tr>");
    for c in &d.checks.checks {
        let controls: Vec<String> = c.controls.iter().map(|k| esc(k)).collect();
        let _ = write!(
            out,
            "<tr><td><b>{}</b><br><span class=\"muted\">{}</span></td><td><span class=\"badge {st}\">{st}</span></td><td>{}",
            c.id,
            esc(c.title),
            esc(&c.summary),
            st = c.status.as_str(),
        );
        if !c.findings.is_empty() {
            let _ = write!(
                out,
                "<details><summary>{} finding(s)</summary><ul>",
                c.findings.len()
            );
            for f in c.findings.iter().take(FINDINGS_SHOWN) {
                let name = f
                    .name
                    .as_deref()
                    .map(|n| format!(" {}", esc(n)))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<li>{} <code>{}</code>{name}: {}</li>",
                    f.kind,
                    esc(&f.id),
                    esc(&f.detail)
                );
            }
            if c.findings.len() > FINDINGS_SHOWN {
                let _ = write!(
                    out,
                    "<li>… and {} more (see checks.json)</li>",
                    c.findings.len() - FINDINGS_SHOWN
                );
            }
            out.push_str("</ul></details>");
        }
        let _ = write!(out, "</td><td>{}</td></tr>", controls.join("<br>"));
    }
    out.push_str("</table></section>");
}

fn controls(out: &mut String, d: &ReportData) {
    out.push_str("<section><h2>Controls</h2><table><tr><th>Framework</th><th>Control</th><th>Supported by</th></tr>");
    for ctl in CONTROLS {
        let key = ctl.key();
        let by: Vec<String> = frameworks::checks_for(&key)
            .iter()
            .map(|c| {
                let st = d
                    .checks
                    .checks
                    .iter()
                    .find(|r| r.id == c.id)
                    .map_or("skipped", |r| r.status.as_str());
                format!("{} <span class=\"badge {st}\">{st}</span>", c.id)
            })
            .collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td><b>{}</b> {}</td><td>{}</td></tr>",
            esc(frameworks::framework_name(ctl.framework)),
            esc(ctl.id),
            esc(ctl.title),
            by.join(" ")
        );
    }
    out.push_str("</table></section>");
}

fn changes(out: &mut String, d: &ReportData) {
    out.push_str("<section><h2>Changes since the previous snapshot</h2>");
    let Some(diff) = &d.diff else {
        out.push_str("<p class=\"muted\">This is the source's first snapshot.</p></section>");
        return;
    };
    let s = diff.summary;
    let _ = write!(
        out,
        "<p class=\"muted\">From sync {} to sync {}.</p><table><tr><th></th><th>Added</th><th>Removed</th><th>Changed</th></tr>\
         <tr><td>Users</td><td>{}</td><td>{}</td><td>{}</td></tr><tr><td>Groups</td><td>{}</td><td>{}</td><td>{} renamed, {} changed</td></tr>\
         <tr><td>Memberships</td><td>{}</td><td>{}</td><td>—</td></tr></table>",
        diff.from_sync,
        diff.to_sync,
        s.users_added,
        s.users_removed,
        s.users_changed,
        s.groups_added,
        s.groups_removed,
        s.groups_renamed,
        s.groups_changed,
        s.memberships_added,
        s.memberships_removed
    );
    out.push_str("</section>");
}

// Chart coordinates: f64 precision is far beyond a pixel.
#[allow(clippy::cast_precision_loss, clippy::many_single_char_names)]
fn line_chart(out: &mut String, d: &ReportData) {
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
    let _ = write!(
        out,
        "<figure><svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Users and groups per snapshot\">\
        <line x1=\"{pad}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#ccd\"/><text x=\"2\" y=\"{t}\">{max}</text><text x=\"2\" y=\"{b}\">0</text>",
        b = h - pad,
        r = w - pad,
        t = pad
    );
    for (label, color, get) in [
        (
            "users",
            "#2b6cb0",
            (|r: &SyncRun| r.counts.users) as fn(&SyncRun) -> u64,
        ),
        ("groups", "#c05621", |r: &SyncRun| r.counts.groups),
    ] {
        let points: Vec<String> = d
            .history
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", x(i), y(get(r))))
            .collect();
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(
                out,
                "<circle cx=\"{px}\" cy=\"{py}\" r=\"2.5\" fill=\"{color}\"/>"
            );
        }
        let ly = if label == "users" { 12.0 } else { 26.0 };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{ly}\" style=\"fill:{color}\">■ {label}</text>",
            w - 90.0
        );
    }
    for (i, r) in d
        .history
        .iter()
        .enumerate()
        .filter(|(i, _)| n <= 12 || i % (n / 12 + 1) == 0)
    {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            h - 10.0,
            r.id
        );
    }
    out.push_str("</svg><figcaption class=\"muted\">Users and groups per snapshot (by sync ID)</figcaption></figure>");
}

#[allow(clippy::cast_precision_loss)]
fn bar_chart(out: &mut String, d: &ReportData) {
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
    let _ = write!(
        out,
        "<figure><svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Changes per sync\">\
        <line x1=\"{pad}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#ccd\"/><text x=\"2\" y=\"{pad}\">{max}</text>",
        b = h - pad,
        r = w - pad
    );
    for (i, c) in d.changes.iter().enumerate() {
        let bh = (h - 2.0 * pad) * c.total() as f64 / max;
        let bx = pad + slot * i as f64 + slot * 0.15;
        let _ = write!(
            out,
            "<rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#805ad5\"><title>sync {}: {} user, {} group, {} membership versions</title></rect>",
            h - pad - bh,
            slot * 0.7,
            c.sync_id,
            c.users,
            c.groups,
            c.memberships
        );
        if n <= 12 || i % (n / 12 + 1) == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                bx + slot * 0.35,
                h - 10.0,
                c.sync_id
            );
        }
    }
    out.push_str("</svg><figcaption class=\"muted\">Changes per sync: entity versions introduced or ended (a sync without change has no bar)</figcaption></figure>");
}

/// Renders the report. Deterministic: the same data gives the same bytes.
pub fn render(d: &ReportData) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>roster evidence: {} (sync {})</title><style>{CSS}</style></head><body>",
        esc(&d.source.name),
        d.run.id
    );
    header(&mut out, d);
    summary(&mut out, d);
    checks(&mut out, d);
    controls(&mut out, d);
    changes(&mut out, d);
    out.push_str("<section><h2>Over time</h2>");
    line_chart(&mut out, d);
    bar_chart(&mut out, d);
    let _ = writeln!(
        out,
        "</section><footer class=\"muted\"><p>Generated by roster {} from stored snapshots. The bundle's manifest.json holds the SHA-256 of this file, signed with Ed25519; verify with <code>roster evidence verify</code>.</p></footer></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}
