//! Verifying untrusted bundles stays within bounds: a zip bomb is refused
//! quickly without unpacking it, sizes the zip lies about are capped while
//! reading, only a bundle's own file names are read, and a real bundle still
//! verifies through the async verifier.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Seek, Write};
use std::time::{Duration, Instant};

use roster_core::evidence::{BundleKey, Manifest, Problem, manifest::json_file};
use roster_engine::evidence::{BundleVerifier, VerifyLimits, verify_bundle, verify_reader};
use zip::write::SimpleFileOptions;

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true)
}

/// A signed bundle of `files` as a roster export would write it.
fn bundle(files: &[(&str, &[u8])], key: &BundleKey) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        zip.start_file(*name, deflated()).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.start_file("manifest.json", deflated()).unwrap();
    zip.write_all(&json_file(&Manifest::sign(files, key)))
        .unwrap();
    zip.finish().unwrap().into_inner()
}

fn unreadable(problems: &[Problem], path: &str) -> String {
    problems
        .iter()
        .find_map(|p| match p {
            Problem::Unreadable { path: p, reason } if p == path => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{path} not unreadable: {problems:?}"))
}

/// The process's peak resident memory in KiB (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_600_mb_entry_of_zeros_is_refused_quickly_without_unpacking_it() {
    let mut file = tempfile::tempfile().unwrap();
    {
        let mut zip = zip::ZipWriter::new(&mut file);
        let best = deflated().compression_level(None);
        zip.start_file("users.csv", best).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..600 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let compressed = file.stream_position().unwrap();
    assert!(compressed < 1 << 20, "{compressed} bytes");
    file.rewind().unwrap();
    let started = Instant::now();
    let problems = verify_reader(&mut file, None, &VerifyLimits::default()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let reason = unreadable(&problems, "users.csv");
    assert!(reason.contains("more than"), "{reason}");
    // Nothing near the entry's size was ever held in memory.
    assert!(
        peak_rss_kib() < 300 * 1024,
        "peak RSS {} KiB",
        peak_rss_kib()
    );
}

/// Sets every "uncompressed size" field of the zip (local and central
/// headers) to `size`: a zip that lies about what it unpacks to.
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    for i in 0..zip.len().saturating_sub(46) {
        let at = match &zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => i + 22,
            [0x50, 0x4b, 0x01, 0x02] => i + 24,
            _ => continue,
        };
        zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

#[test]
fn an_entry_larger_than_its_header_says_is_cut_off_at_the_cap() {
    let key = BundleKey::generate();
    let big = vec![b'a'; 3 << 20];
    let mut zip = bundle(&[("users.csv", &big)], &key);
    lie_about_sizes(&mut zip, 1000);
    let limits = VerifyLimits {
        max_entry: 1 << 20,
        ..VerifyLimits::default()
    };
    let problems = verify_reader(Cursor::new(&zip), None, &limits).unwrap_err();
    unreadable(&problems, "users.csv");
}

#[test]
fn the_total_is_capped_across_entries() {
    let key = BundleKey::generate();
    let part = vec![b'x'; 600 << 10];
    let zip = bundle(&[("users.csv", &part), ("groups.csv", &part)], &key);
    let limits = VerifyLimits {
        max_total: 1 << 20,
        ..VerifyLimits::default()
    };
    assert!(verify_reader(Cursor::new(&zip), None, &VerifyLimits::default()).is_ok());
    let problems = verify_reader(Cursor::new(&zip), None, &limits).unwrap_err();
    unreadable(&problems, "groups.csv");
}

#[test]
fn a_name_listed_twice_refuses_the_zip() {
    let key = BundleKey::generate();
    let zip = bundle(&[("users.csv", b"a,b\n")], &key);
    let mut zip = zip::ZipWriter::new_append(Cursor::new(zip)).unwrap();
    // zip writes no name twice: write another and rename it in the bytes.
    zip.start_file("users.csx", deflated()).unwrap();
    zip.write_all(b"x").unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    for i in 0..bytes.len() - 9 {
        if &bytes[i..i + 9] == b"users.csx" {
            bytes[i + 8] = b'v';
        }
    }
    let problems = verify_bundle(&bytes, None).unwrap_err();
    assert!(
        matches!(&problems[..], [Problem::NotABundle(why)] if why.contains("twice")),
        "{problems:?}"
    );
}

#[test]
fn names_a_bundle_does_not_hold_are_not_read() {
    let key = BundleKey::generate();
    let zip = bundle(&[("users.csv", b"a,b\n")], &key);
    let mut zip = zip::ZipWriter::new_append(Cursor::new(zip)).unwrap();
    zip.start_file("../../etc/passwd", deflated()).unwrap();
    zip.write_all(b"root").unwrap();
    let problems = verify_bundle(&zip.finish().unwrap().into_inner(), None).unwrap_err();
    let reason = unreadable(&problems, "../../etc/passwd");
    assert!(reason.contains("no roster bundle"), "{reason}");
}

#[tokio::test]
async fn a_real_bundle_verifies_through_the_async_verifier() {
    let key = BundleKey::generate();
    let zip = bundle(
        &[
            ("collection.json", b"{}\n"),
            ("users.csv", b"user_id\nu-1\n"),
        ],
        &key,
    );
    let verifier = BundleVerifier::new(VerifyLimits {
        concurrent: 1,
        ..VerifyLimits::default()
    });
    let (a, b) = tokio::join!(
        verifier.verify(zip.clone(), Some(key.public_key())),
        verifier.verify(zip.clone(), None),
    );
    let manifest = a.unwrap().unwrap();
    assert_eq!(manifest.files.len(), 2);
    assert!(b.unwrap().is_ok());
    let other = BundleKey::generate().public_key();
    let wrong = roster_engine::evidence::verify(zip, Some(other))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&wrong[..], [Problem::WrongKey { .. }]),
        "{wrong:?}"
    );
}

#[test]
fn an_entry_that_compresses_better_than_any_real_file_is_refused() {
    let key = BundleKey::generate();
    let zeros = vec![0u8; 20 << 20];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("users.csv", deflated().compression_level(Some(9)))
        .unwrap();
    zip.write_all(&zeros).unwrap();
    zip.start_file("manifest.json", deflated()).unwrap();
    zip.write_all(&json_file(&Manifest::sign(&[("users.csv", &zeros)], &key)))
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let problems = verify_bundle(&bytes, None).unwrap_err();
    let reason = unreadable(&problems, "users.csv");
    assert!(reason.contains(":1"), "{reason}");
}
