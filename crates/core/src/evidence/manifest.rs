//! The bundle manifest: the SHA-256 of every file, signed with Ed25519, and
//! its verification, which names exactly what failed. Keys are 32-byte seeds
//! in standard base64. Pure.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::InvalidInput;

pub const FORMAT: &str = "roster-evidence/1";
pub const ALGORITHM: &str = "ed25519";
pub const MANIFEST_FILE: &str = "manifest.json";

/// An Ed25519 key that signs manifests.
#[derive(Clone)]
pub struct BundleKey(SigningKey);

impl fmt::Debug for BundleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BundleKey(public {})", self.public_key())
    }
}

impl BundleKey {
    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        Self(SigningKey::from_bytes(&seed))
    }

    /// Parses a base64 32-byte seed (`ROSTER_SIGNING_KEY`).
    pub fn from_seed_base64(s: &str) -> Result<Self, InvalidInput> {
        let bytes = B64
            .decode(s.trim())
            .map_err(|e| InvalidInput::new("signing key", format!("not base64: {e}")))?;
        let seed: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            InvalidInput::new(
                "signing key",
                format!("{} bytes; an Ed25519 seed is 32", b.len()),
            )
        })?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// The seed as base64, for storing. Secret.
    pub fn seed_base64(&self) -> String {
        B64.encode(self.0.to_bytes())
    }

    /// The public key as base64: embedded in bundles, shown in the console.
    pub fn public_key(&self) -> String {
        B64.encode(self.0.verifying_key().to_bytes())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub algorithm: String,
    pub public_key: String,
    pub files: Vec<FileEntry>,
    /// Ed25519 over [`Manifest::signed_bytes`], base64.
    pub signature: String,
}

#[derive(Serialize)]
struct Signed<'a> {
    format: &'a str,
    algorithm: &'a str,
    public_key: &'a str,
    files: &'a [FileEntry],
}

impl Manifest {
    /// The bytes the signature covers: everything but the signature, as compact JSON.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&Signed {
            format: &self.format,
            algorithm: &self.algorithm,
            public_key: &self.public_key,
            files: &self.files,
        })
        .unwrap_or_default()
    }

    /// Lists and signs `files` (path, bytes), in the order given.
    pub fn sign(files: &[(&str, &[u8])], key: &BundleKey) -> Self {
        let mut m = Self {
            format: FORMAT.into(),
            algorithm: ALGORITHM.into(),
            public_key: key.public_key(),
            files: files
                .iter()
                .map(|(path, bytes)| FileEntry {
                    path: (*path).to_owned(),
                    sha256: sha256_hex(bytes),
                    size: bytes.len() as u64,
                })
                .collect(),
            signature: String::new(),
        };
        m.signature = B64.encode(key.0.sign(&m.signed_bytes()).to_bytes());
        m
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Pretty JSON with a final newline: how every JSON file of a bundle is written.
pub fn json_file<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One reason a bundle does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The bytes are not a zip archive at all.
    NotABundle(String),
    /// An entry could not be read back (CRC or compression error).
    Unreadable {
        path: String,
        reason: String,
    },
    NoManifest,
    ManifestUnreadable(String),
    UnsupportedFormat(String),
    BadPublicKey,
    WrongKey {
        expected: String,
        found: String,
    },
    BadSignature,
    Missing(String),
    HashMismatch {
        path: String,
        expected: String,
        actual: String,
    },
    Unlisted(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotABundle(e) => write!(f, "not a roster evidence bundle (zip): {e}"),
            Self::Unreadable { path, reason } => {
                write!(
                    f,
                    "{path}: cannot be read from the zip ({reason}): the bundle was altered or damaged"
                )
            }
            Self::NoManifest => write!(f, "{MANIFEST_FILE} is missing"),
            Self::ManifestUnreadable(e) => {
                write!(f, "{MANIFEST_FILE} is not a valid manifest: {e}")
            }
            Self::UnsupportedFormat(v) => {
                write!(f, "unsupported manifest format {v:?} (expected {FORMAT})")
            }
            Self::BadPublicKey => write!(f, "the manifest's public key is not an Ed25519 key"),
            Self::WrongKey { expected, found } => {
                write!(
                    f,
                    "signed with key {found}, not the expected key {expected}"
                )
            }
            Self::BadSignature => write!(
                f,
                "the manifest's signature does not match its content (the manifest was altered)"
            ),
            Self::Missing(p) => {
                write!(f, "{p}: listed in the manifest but missing from the bundle")
            }
            Self::HashMismatch {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "{path}: SHA-256 {actual} does not match the manifest's {expected} (the file was altered)"
                )
            }
            Self::Unlisted(p) => write!(f, "{p}: in the bundle but not listed in the manifest"),
        }
    }
}

/// Verifies a manifest and the files beside it. Returns the manifest when
/// everything checks out, or every problem found.
pub fn verify(
    manifest: Option<&[u8]>,
    files: &BTreeMap<String, Vec<u8>>,
    expected_key: Option<&str>,
) -> Result<Manifest, Vec<Problem>> {
    let digests: BTreeMap<String, String> = files
        .iter()
        .map(|(path, data)| (path.clone(), sha256_hex(data)))
        .collect();
    verify_digests(manifest, &digests, expected_key)
}

/// [`verify`] with each file's SHA-256 (lowercase hex) computed by the
/// caller, e.g. while streaming the file out of the zip.
pub fn verify_digests(
    manifest: Option<&[u8]>,
    files: &BTreeMap<String, String>,
    expected_key: Option<&str>,
) -> Result<Manifest, Vec<Problem>> {
    let bytes = manifest.ok_or_else(|| vec![Problem::NoManifest])?;
    let m: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| vec![Problem::ManifestUnreadable(e.to_string())])?;
    if m.format != FORMAT || m.algorithm != ALGORITHM {
        return Err(vec![Problem::UnsupportedFormat(format!(
            "{}/{}",
            m.format, m.algorithm
        ))]);
    }
    let mut problems = Vec::new();
    if let Some(expected) = expected_key.map(str::trim)
        && expected != m.public_key
    {
        problems.push(Problem::WrongKey {
            expected: expected.to_owned(),
            found: m.public_key.clone(),
        });
    }
    let key = B64
        .decode(&m.public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let signature = B64
        .decode(&m.signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok());
    match (key, signature) {
        (None, _) => problems.push(Problem::BadPublicKey),
        (Some(k), Some(sig)) if k.verify(&m.signed_bytes(), &sig).is_ok() => {}
        _ => problems.push(Problem::BadSignature),
    }
    for entry in &m.files {
        match files.get(&entry.path) {
            None => problems.push(Problem::Missing(entry.path.clone())),
            Some(actual) => {
                if *actual != entry.sha256 {
                    problems.push(Problem::HashMismatch {
                        path: entry.path.clone(),
                        expected: entry.sha256.clone(),
                        actual: actual.clone(),
                    });
                }
            }
        }
    }
    for path in files.keys() {
        if !m.files.iter().any(|e| &e.path == path) {
            problems.push(Problem::Unlisted(path.clone()));
        }
    }
    if problems.is_empty() {
        Ok(m)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(key: &BundleKey) -> (Vec<u8>, BTreeMap<String, Vec<u8>>) {
        let files: BTreeMap<String, Vec<u8>> =
            [("a.csv", b"x,y\n".to_vec()), ("b.json", b"{}\n".to_vec())]
                .into_iter()
                .map(|(p, b)| (p.to_owned(), b))
                .collect();
        let list: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        (json_file(&Manifest::sign(&list, key)), files)
    }

    #[test]
    fn a_signed_manifest_verifies_and_alterations_are_named() {
        let key = BundleKey::generate();
        let (manifest, mut files) = bundle(&key);
        assert!(verify(Some(&manifest), &files, Some(&key.public_key())).is_ok());
        files.get_mut("a.csv").unwrap()[0] ^= 1;
        let problems = verify(Some(&manifest), &files, None).unwrap_err();
        assert!(
            matches!(&problems[..], [Problem::HashMismatch { path, .. }] if path == "a.csv"),
            "{problems:?}"
        );
    }

    #[test]
    fn an_edited_manifest_fails_its_signature() {
        let key = BundleKey::generate();
        let (manifest, files) = bundle(&key);
        let edited = String::from_utf8(manifest)
            .unwrap()
            .replace("\"size\": 4", "\"size\": 5");
        assert_eq!(
            verify(Some(edited.as_bytes()), &files, None).unwrap_err(),
            [Problem::BadSignature]
        );
    }

    #[test]
    fn another_key_fails_only_against_the_expected_key() {
        let (mine, other) = (BundleKey::generate(), BundleKey::generate());
        let (manifest, files) = bundle(&other);
        assert!(verify(Some(&manifest), &files, None).is_ok());
        let problems = verify(Some(&manifest), &files, Some(&mine.public_key())).unwrap_err();
        assert!(matches!(problems[0], Problem::WrongKey { .. }));
        assert!(problems[0].to_string().contains(&mine.public_key()));
    }

    #[test]
    fn seeds_round_trip_and_bad_seeds_say_why() {
        let key = BundleKey::generate();
        let again = BundleKey::from_seed_base64(&key.seed_base64()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert!(
            BundleKey::from_seed_base64("AAAA")
                .unwrap_err()
                .reason
                .contains("3 bytes")
        );
        assert!(
            BundleKey::from_seed_base64("!!")
                .unwrap_err()
                .reason
                .contains("base64")
        );
    }
}
