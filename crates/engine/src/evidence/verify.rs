//! Verifying an evidence bundle from untrusted bytes with bounded memory and
//! time: every entry is hashed while it is decompressed (never held whole),
//! each entry and the whole bundle are capped at what a real bundle can be,
//! entries that decompress absurdly well are refused, only the file names a
//! roster bundle holds are read, and verification runs on the blocking pool,
//! a few at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::{Arc, OnceLock};

use roster_core::evidence::manifest::{self, MANIFEST_FILE};
use roster_core::evidence::{Manifest, Problem};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::bundle::BUNDLE_ENTRY_ORDER;
use crate::EngineError;

const MIB: u64 = 1024 * 1024;

/// What a bundle may unpack to. The defaults hold a 200,000-user directory
/// with room to spare: its largest file (`memberships.csv` or `diff.json`)
/// stays well under 256 MiB and the whole bundle under 512 MiB, and no file
/// of it compresses better than about 20:1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyLimits {
    /// Uncompressed bytes of any one entry.
    pub max_entry: u64,
    /// Uncompressed bytes of all entries together.
    pub max_total: u64,
    /// The manifest's uncompressed bytes (it lists eight hashes).
    pub max_manifest: u64,
    /// Uncompressed / compressed size an entry may reach...
    pub max_ratio: u64,
    /// ...once it is larger than this (small files may compress very well).
    pub ratio_applies_above: u64,
    /// Verifications running at once in one process ([`BundleVerifier`]).
    pub concurrent: usize,
}

impl Default for VerifyLimits {
    fn default() -> Self {
        Self {
            max_entry: 256 * MIB,
            max_total: 512 * MIB,
            max_manifest: MIB,
            max_ratio: 1_000,
            ratio_applies_above: MIB,
            concurrent: 2,
        }
    }
}

/// What verification found: the manifest, or every problem.
pub type Verification = Result<Manifest, Vec<Problem>>;

/// Verifies bundle bytes with the default limits (see [`verify_reader`]).
pub fn verify_bundle(bytes: &[u8], expected_key: Option<&str>) -> Verification {
    verify_reader(Cursor::new(bytes), expected_key, &VerifyLimits::default())
}

fn unreadable(path: &str, reason: impl Into<String>) -> Problem {
    Problem::Unreadable {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The number of entries the zip's end-of-central-directory record (or its
/// zip64 form) declares, counting repeated names; `None` when not found (the
/// zip library then says what is wrong). Leaves `reader` at its start.
fn listed_entries<R: Read + Seek>(reader: &mut R) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const ZIP64_LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(22 + 65_535 + 20);
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = Vec::new();
    reader.by_ref().take(tail_len).read_to_end(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let mut listed = u16_at(&tail, at + 10)?;
    if listed == 0xFFFF && at >= 20 && tail[at - 20..at - 16] == ZIP64_LOCATOR {
        let record = u64_at(&tail, at - 20 + 8)?;
        reader.seek(SeekFrom::Start(record + 32)).ok()?;
        let mut total = [0u8; 8];
        reader.read_exact(&mut total).ok()?;
        listed = u64::from_le_bytes(total);
    }
    reader.rewind().ok()?;
    Some(listed)
}

/// How many bytes entry `name` may unpack to, or why it may not be read.
fn allowance(
    name: &str,
    size: u64,
    compressed: u64,
    left: u64,
    limits: &VerifyLimits,
) -> Result<u64, String> {
    let cap = if name == MANIFEST_FILE {
        limits.max_manifest
    } else {
        limits.max_entry
    };
    let by_ratio = compressed
        .saturating_mul(limits.max_ratio)
        .max(limits.ratio_applies_above);
    if size > cap {
        return Err(format!(
            "it unpacks to {size} bytes, more than the {cap} a roster bundle file can be"
        ));
    }
    if size > by_ratio {
        return Err(format!(
            "it unpacks to {size} bytes from {compressed}: compressed more than {}:1, as no roster bundle file is",
            limits.max_ratio
        ));
    }
    if size > left {
        return Err(format!(
            "the bundle unpacks to more than the {} bytes a roster bundle can be",
            limits.max_total
        ));
    }
    // The sizes in the zip are the sender's word: reading stops at the same
    // bounds whatever they say.
    Ok(cap.min(by_ratio).min(left))
}

/// Verifies a bundle read from `reader`: every entry readable and within
/// `limits`, only the files a bundle holds and each once, every hash, nothing
/// unlisted, the signature, and (when given) that the signer is
/// `expected_key`. Blocking: call it off the async threads.
pub fn verify_reader<R: Read + Seek>(
    reader: R,
    expected_key: Option<&str>,
    limits: &VerifyLimits,
) -> Verification {
    let mut reader = reader;
    let listed = listed_entries(&mut reader);
    let mut archive =
        zip::ZipArchive::new(reader).map_err(|e| vec![Problem::NotABundle(e.to_string())])?;
    // The zip library keeps one entry per name; the directory may list more.
    if let Some(listed) = listed
        && listed != archive.len() as u64
    {
        return Err(vec![Problem::NotABundle(format!(
            "the zip lists {listed} entries under {} names: a name appears twice",
            archive.len()
        ))]);
    }
    if archive.len() > BUNDLE_ENTRY_ORDER.len() * 2 {
        return Err(vec![Problem::NotABundle(format!(
            "{} entries; a roster bundle has at most {}",
            archive.len(),
            BUNDLE_ENTRY_ORDER.len()
        ))]);
    }
    let mut digests = BTreeMap::new();
    let mut manifest = None;
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut left = limits.max_total;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::NotABundle(e.to_string()));
                continue;
            }
        };
        let name = entry.name().to_owned();
        if !seen.insert(name.clone()) {
            problems.push(unreadable(&name, "the zip holds this name twice"));
            continue;
        }
        if !BUNDLE_ENTRY_ORDER.contains(&name.as_str())
            && !crate::review::REVIEW_BUNDLE_ENTRY_ORDER.contains(&name.as_str())
        {
            problems.push(unreadable(
                &name,
                "no roster bundle holds a file of this name",
            ));
            continue;
        }
        let cap = match allowance(&name, entry.size(), entry.compressed_size(), left, limits) {
            Ok(cap) => cap,
            Err(reason) => {
                problems.push(unreadable(&name, reason));
                continue;
            }
        };
        let mut hasher = Sha256::new();
        let mut kept = Vec::new();
        let mut limited = (&mut entry).take(cap + 1);
        let copied = if name == MANIFEST_FILE {
            limited.read_to_end(&mut kept).map(|n| n as u64)
        } else {
            std::io::copy(&mut limited, &mut hasher)
        };
        match copied {
            Err(e) => problems.push(unreadable(&name, e.to_string())),
            Ok(n) if n > cap => problems.push(unreadable(
                &name,
                format!("it unpacks to more than its zip header says and than {cap} bytes"),
            )),
            Ok(n) => {
                left -= n;
                if name == MANIFEST_FILE {
                    manifest = Some(kept);
                } else {
                    digests.insert(name, hex(&hasher.finalize()));
                }
            }
        }
    }
    match manifest::verify_digests(manifest.as_deref(), &digests, expected_key) {
        Ok(m) if problems.is_empty() => Ok(m),
        Ok(_) => Err(problems),
        Err(mut more) => {
            // A file that could not be read is reported once, not also as missing.
            more.retain(|p| !matches!(p, Problem::Missing(path) if problems.iter().any(|q| matches!(q, Problem::Unreadable { path: u, .. } if u == path))));
            problems.extend(more);
            Err(problems)
        }
    }
}

/// Verifies uploaded bundles for the console and the API: on the blocking
/// pool, at most `limits.concurrent` at a time per verifier.
#[derive(Debug, Clone)]
pub struct BundleVerifier {
    limits: VerifyLimits,
    permits: Arc<Semaphore>,
}

impl BundleVerifier {
    pub fn new(limits: VerifyLimits) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limits.concurrent.max(1))),
            limits,
        }
    }

    /// The process's verifier with the default limits.
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<BundleVerifier> = OnceLock::new();
        SHARED.get_or_init(|| Self::new(VerifyLimits::default()))
    }

    pub fn limits(&self) -> &VerifyLimits {
        &self.limits
    }

    /// Verifies `bytes` (see [`verify_reader`]); waits for a free slot first.
    pub async fn verify(
        &self,
        bytes: Vec<u8>,
        expected_key: Option<String>,
    ) -> Result<Verification, EngineError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| EngineError::Internal(format!("bundle verification: {e}")))?;
        let limits = self.limits;
        tokio::task::spawn_blocking(move || {
            verify_reader(Cursor::new(bytes), expected_key.as_deref(), &limits)
        })
        .await
        .map_err(|e| EngineError::Internal(format!("bundle verification stopped: {e}")))
    }
}

/// Verifies uploaded bundle bytes with the process's [`BundleVerifier`].
pub async fn verify(
    bytes: Vec<u8>,
    expected_key: Option<String>,
) -> Result<Verification, EngineError> {
    BundleVerifier::shared().verify(bytes, expected_key).await
}
