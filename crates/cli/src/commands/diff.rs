//! `roster diff`: what changed between two snapshots of a source, as a
//! readable list or the JSON of `diff.json`.

use std::io::Write;

use roster_core::evidence::Diff;
use roster_core::evidence::manifest::json_file;
use roster_core::{SyncId, TenantId};
use serde_json::Value;

use super::resolve;
use crate::args::Format;
use crate::evidence_args::DiffArgs;
use crate::exit::CliError;
use crate::output::csv_bytes;

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

const CSV_HEADER: [&str; 5] = ["entity", "change", "id", "name", "detail"];

fn fields(changes: &[roster_core::evidence::diff::FieldChange]) -> String {
    changes
        .iter()
        .map(|f| format!("{}: {} → {}", f.field, value(&f.before), value(&f.after)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One record per change: entity, change, ID, name and what changed.
fn csv(d: &Diff) -> Result<Vec<u8>, CliError> {
    let row = |entity: &str, change: &str, id: &str, name: Option<&String>, detail: String| {
        [entity, change, id, name.map_or("", String::as_str)]
            .map(str::to_owned)
            .into_iter()
            .chain([detail])
            .collect::<Vec<String>>()
    };
    let mut records = vec![CSV_HEADER.map(String::from).to_vec()];
    let u = &d.users;
    for (change, list) in [("added", &u.added), ("removed", &u.removed)] {
        records.extend(list.iter().map(|x| {
            row(
                "user",
                change,
                &x.user_id,
                x.user_name.as_ref(),
                String::new(),
            )
        }));
    }
    records.extend(u.changed.iter().map(|x| {
        row(
            "user",
            "changed",
            &x.user.user_id,
            x.user.user_name.as_ref(),
            fields(&x.fields),
        )
    }));
    let g = &d.groups;
    for (change, list) in [("added", &g.added), ("removed", &g.removed)] {
        records.extend(list.iter().map(|x| {
            row(
                "group",
                change,
                &x.group_id,
                x.display_name.as_ref(),
                String::new(),
            )
        }));
    }
    records.extend(g.renamed.iter().map(|x| {
        let detail = format!(
            "{} → {}",
            x.before.as_deref().unwrap_or("—"),
            x.after.as_deref().unwrap_or("—")
        );
        row("group", "renamed", &x.group_id, x.after.as_ref(), detail)
    }));
    records.extend(g.changed.iter().map(|x| {
        row(
            "group",
            "changed",
            &x.group.group_id,
            x.group.display_name.as_ref(),
            fields(&x.fields),
        )
    }));
    let m = &d.memberships;
    for (change, list) in [("added", &m.added), ("removed", &m.removed)] {
        records.extend(list.iter().map(|x| {
            let detail = format!(
                "user {} in group {}",
                name(x.user_name.as_ref(), &x.user_id),
                name(x.group_name.as_ref(), &x.group_id)
            );
            row("membership", change, &x.membership_id, None, detail)
        }));
    }
    csv_bytes(records.iter().map(Vec::as_slice))
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
    match (diff, args.out.format()) {
        (Some(d), Format::Json) => out.write_all(&json_file(&d))?,
        (Some(d), Format::Csv) => out.write_all(&csv(&d)?)?,
        (Some(d), Format::Table) => table(&d, &mut out)?,
        (None, Format::Json) => writeln!(out, "null")?,
        (None, Format::Csv) => {
            out.write_all(&csv_bytes([CSV_HEADER.map(String::from).as_slice()])?)?;
        }
        (None, Format::Table) => writeln!(
            out,
            "Only one snapshot of source {source}: nothing to compare yet (sync again, or pass --from)"
        )?,
    }
    out.flush()?;
    Ok(())
}
