//! `roster evidence export|verify`: write a snapshot's signed bundle, and
//! check a bundle's hashes and signature, naming every problem.

use std::io::Write;
use std::path::Path;

use roster_core::TenantId;
use roster_engine::evidence;
use serde_json::json;

use super::check::cli_actor;
use super::resolve;
use crate::evidence_args::{EvidenceCmd, ExportArgs, VerifyArgs};
use crate::exit::CliError;
use crate::output::print_data;

/// The configured signing key seed, if any (never logged).
pub(super) fn configured_key() -> Option<String> {
    std::env::var("ROSTER_SIGNING_KEY").ok()
}

/// Writes a bundle to `out` through `out.zip.partial` renamed into place, so
/// `out` is the whole bundle or absent.
pub(super) fn write_bundle(out: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp = out.with_extension("zip.partial");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, out))
        .map_err(|e| CliError::Other(anyhow::anyhow!("cannot write {}: {e}", out.display())))
}

async fn export(args: ExportArgs) -> Result<(), CliError> {
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let snapshot =
        resolve::evidence_snapshot(store.as_ref(), &tenant, args.source.as_deref(), args.sync)
            .await?;
    let key = evidence::signing_key(store.as_ref(), &tenant, configured_key().as_deref()).await?;
    let bytes =
        evidence::export_bundle(store.as_ref(), &tenant, &snapshot, &key, &cli_actor()).await?;
    write_bundle(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes): sync {} of source {}, signed by {}",
        args.out.display(),
        bytes.len(),
        snapshot.sync_id,
        snapshot.source_id,
        key.public_key()
    );
    Ok(())
}

fn verify(args: &VerifyArgs) -> Result<(), CliError> {
    let file = std::fs::File::open(&args.bundle)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", args.bundle.display())))?;
    // Streamed from the file, within the same limits as the console's verify.
    let result = evidence::verify_reader(
        std::io::BufReader::new(file),
        args.public_key.as_deref(),
        &evidence::VerifyLimits::default(),
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match result {
        Ok(m) => {
            let files: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
            let body = json!({"status": "ok", "public_key": m.public_key, "files": files});
            if !print_data(args.out.format(), &body)? {
                writeln!(
                    out,
                    "OK: {} files match their SHA-256; the manifest signature is valid",
                    m.files.len()
                )?;
                writeln!(out, "signed by {}", m.public_key)?;
            }
            Ok(())
        }
        Err(problems) => {
            let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
            let body = json!({"status": "failed", "problems": reasons});
            if !print_data(args.out.format(), &body)? {
                for r in &reasons {
                    eprintln!("FAIL: {r}");
                }
            }
            Err(CliError::Other(anyhow::anyhow!(
                "{} does not verify: {} problem(s)",
                args.bundle.display(),
                reasons.len()
            )))
        }
    }
}

pub async fn run(cmd: EvidenceCmd) -> Result<(), CliError> {
    match cmd {
        EvidenceCmd::Export(args) => export(args).await,
        EvidenceCmd::Verify(args) => verify(&args),
    }
}
