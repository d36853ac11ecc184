//! `roster check`: checks IDS-01 … IDS-09 on a snapshot, followed by
//! ACC-01 … ACC-06 when the source collects access (the access snapshot of
//! the same moment, with the source's access settings). Settings given as
//! flags (exemptions, privileged patterns, freshness, HR roster) are saved
//! for the source first; the run is recorded in the audit log.

use std::io::Write;

use roster_core::TenantId;
use roster_core::evidence::CheckReport;
use roster_core::evidence::checks::StatusCounts;
use roster_core::evidence::manifest::json_file;
use roster_engine::evidence::{self, AsOf};
use roster_store::Store;

use super::resolve;
use crate::args::Format;
use crate::evidence_args::CheckArgs;
use crate::exit::CliError;

/// Who the audit log names for actions taken from the command line.
pub fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

async fn save_settings(
    store: &dyn Store,
    tenant: &TenantId,
    source: &roster_core::SourceId,
    args: &CheckArgs,
) -> Result<(), CliError> {
    let changed = !args.exempt.is_empty()
        || args.clear_exemptions
        || !args.privileged_patterns.is_empty()
        || args.freshness_hours.is_some();
    if changed {
        let mut settings = store.check_settings(tenant, source).await?;
        if !args.exempt.is_empty() || args.clear_exemptions {
            settings.exemptions.clone_from(&args.exempt);
        }
        if !args.privileged_patterns.is_empty() {
            settings
                .privileged_patterns
                .clone_from(&args.privileged_patterns);
        }
        if let Some(h) = args.freshness_hours {
            settings.freshness_hours = h;
        }
        evidence::save_check_settings(store, tenant, source, &settings, &cli_actor()).await?;
    }
    if args.max_session_hours.is_some()
        || args.boundary_required.is_some()
        || !args.access_privileged_patterns.is_empty()
    {
        let mut access = store.access_settings(tenant, source).await?;
        if let Some(h) = args.max_session_hours {
            access.max_session_seconds = h * 3_600;
        }
        if let Some(b) = args.boundary_required {
            access.boundary_required = b;
        }
        if !args.access_privileged_patterns.is_empty() {
            access
                .privileged_patterns
                .clone_from(&args.access_privileged_patterns);
        }
        evidence::save_access_settings(store, tenant, source, &access, &cli_actor()).await?;
    }
    if let Some(path) = &args.hr_roster {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        if let Err(errors) =
            evidence::upload_hr_roster(store, tenant, source, &name, &bytes, &cli_actor()).await?
        {
            for e in &errors {
                eprintln!("{}:{}: {}", path.display(), e.line, e.message);
            }
            return Err(CliError::Usage(format!(
                "the HR roster {} has {} invalid line(s); nothing was stored",
                path.display(),
                errors.len()
            )));
        }
    }
    Ok(())
}

/// One record per check: its ID, title, status, summary, controls and
/// number of findings (JSON lists the findings themselves).
fn csv(r: &CheckReport) -> Result<Vec<u8>, CliError> {
    let header = [
        "check", "title", "status", "summary", "controls", "findings",
    ]
    .map(String::from);
    let rows = r.checks.iter().map(|c| {
        [
            c.id.to_owned(),
            c.title.to_owned(),
            c.status.as_str().to_owned(),
            c.summary.clone(),
            c.controls.join(" "),
            c.findings.len().to_string(),
        ]
    });
    let records: Vec<[String; 6]> = std::iter::once(header).chain(rows).collect();
    crate::output::csv_bytes(records.iter().map(<[String; 6]>::as_slice))
}

fn table(r: &CheckReport, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Source {} · sync {} · as of {}",
        r.source_id, r.sync_id, r.as_of
    )?;
    for c in &r.checks {
        writeln!(
            out,
            "{}  {:<7}  {}",
            c.id,
            c.status.as_str().to_uppercase(),
            c.summary
        )?;
        for f in c.findings.iter().take(20) {
            let name = f
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            writeln!(out, "          {} {}{name}: {}", f.kind, f.id, f.detail)?;
        }
        if c.findings.len() > 20 {
            writeln!(
                out,
                "          … and {} more (--format json lists all)",
                c.findings.len() - 20
            )?;
        }
    }
    let s = r.summary;
    writeln!(
        out,
        "{} pass, {} fail, {} review, {} skipped",
        s.pass, s.fail, s.review, s.skipped
    )
}

pub async fn run(args: CheckArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let source = resolve::source(store.as_ref(), &tenant, args.source.as_deref()).await?;
    let snapshot =
        resolve::evidence_snapshot(store.as_ref(), &tenant, Some(source.as_str()), args.sync)
            .await?;
    save_settings(store.as_ref(), &tenant, &source, &args).await?;
    let mut report = evidence::check_report(store.as_ref(), &tenant, &snapshot, AsOf::Now).await?;
    // The ACC- checks follow the IDS- checks when the source collects access.
    if let Some(access) = evidence::access_check_report(store.as_ref(), &tenant, &snapshot).await? {
        report.checks.extend(access.checks);
        report.summary = StatusCounts::of(&report.checks);
    }
    evidence::record_check_run(store.as_ref(), &tenant, &cli_actor(), &report).await?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.out.format() {
        Format::Json => out.write_all(&json_file(&report))?,
        Format::Csv => out.write_all(&csv(&report)?)?,
        Format::Table => table(&report, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
