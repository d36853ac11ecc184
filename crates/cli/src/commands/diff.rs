//! `roster diff`: what changed between two snapshots of a source, as a
//! readable list or the JSON of `diff.json`.

use std::io::Write;

use roster_core::evidence::Diff;
use roster_core::evidence::manifest::json_file;
use roster_core::{SyncId, TenantId};
use serde_json::Value;

use super::resolve;
use crate::evidence_args::{DiffArgs, ReportFormat};
use crate::exit::CliError;

fn name(n: Option<&String>, id: &str) -> String {
    n.map_or_else(|| id.to_owned(), |n| format!("{n} ({id})"))
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn table(d: &Diff, out: &mut impl Write) -> std::io::Result<()> {
    let s = d.summary;
    writeln!(
        out,
        "Source {}: sync {} → sync {}",
        d.source_id, d.from_sync, d.to_sync
    )?;
    writeln!(
        out,
        "users +{} -{} ~{} · groups +{} -{} renamed {} ~{} · memberships +{} -{}",
        s.users_added,
        s.users_removed,
        s.users_changed,
        s.groups_added,
        s.groups_removed,
        s.groups_renamed,
        s.groups_changed,
        s.memberships_added,
        s.memberships_removed
    )?;
    for u in &d.users.added {
        writeln!(out, "+ user   {}", name(u.user_name.as_ref(), &u.user_id))?;
    }
    for u in &d.users.removed {
        writeln!(out, "- user   {}", name(u.user_name.as_ref(), &u.user_id))?;
    }
    for c in &d.users.changed {
        for f in &c.fields {
            writeln!(
                out,
                "~ user   {}: {} {} → {}",
                name(c.user.user_name.as_ref(), &c.user.user_id),
                f.field,
                value(&f.before),
                value(&f.after)
            )?;
        }
    }
    for g in &d.groups.added {
        writeln!(
            out,
            "+ group  {}",
            name(g.display_name.as_ref(), &g.group_id)
        )?;
    }
    for g in &d.groups.removed {
        writeln!(
            out,
            "- group  {}",
            name(g.display_name.as_ref(), &g.group_id)
        )?;
    }
    for r in &d.groups.renamed {
        let (b, a) = (
            r.before.as_deref().unwrap_or("—"),
            r.after.as_deref().unwrap_or("—"),
        );
        writeln!(out, "~ group  {}: renamed {b} → {a}", r.group_id)?;
    }
    for c in &d.groups.changed {
        for f in &c.fields {
            writeln!(
                out,
                "~ group  {}: {} {} → {}",
                name(c.group.display_name.as_ref(), &c.group.group_id),
                f.field,
                value(&f.before),
                value(&f.after)
            )?;
        }
    }
    for (sign, list) in [("+", &d.memberships.added), ("-", &d.memberships.removed)] {
        for m in list {
            writeln!(
                out,
                "{sign} member {} in {}",
                name(m.user_name.as_ref(), &m.user_id),
                name(m.group_name.as_ref(), &m.group_id)
            )?;
        }
    }
    Ok(())
}

pub async fn run(args: DiffArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let source = resolve::source(store.as_ref(), &tenant, args.source.as_deref()).await?;
    for id in [args.from, args.to].into_iter().flatten() {
        resolve::sync_of(store.as_ref(), &tenant, &source, id).await?;
    }
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f >= t
    {
        return Err(CliError::Usage(format!(
            "--from ({f}) must be an older sync than --to ({t})"
        )));
    }
    let diff = roster_engine::evidence::diff(
        store.as_ref(),
        &tenant,
        &source,
        args.from.map(SyncId),
        args.to.map(SyncId),
    )
    .await?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match (diff, args.format) {
        (Some(d), ReportFormat::Json) => out.write_all(&json_file(&d))?,
        (Some(d), ReportFormat::Table) => table(&d, &mut out)?,
        (None, ReportFormat::Json) => writeln!(out, "null")?,
        (None, ReportFormat::Table) => writeln!(
            out,
            "Only one snapshot of source {source}: nothing to compare yet (sync again, or pass --from)"
        )?,
    }
    out.flush()?;
    Ok(())
}
