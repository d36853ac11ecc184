//! The AWS partitions and their Regions, from the AWS SDK's own partition
//! metadata (`partitions.json`, the endpoint data every SDK service crate
//! compiles in). The SDK keeps that data private, so `partitions.json` here
//! is a verbatim copy of it (regenerate it from `aws-sdk-ssoadmin`'s `src/endpoint_lib.rs`); a test
//! proves every Region in it resolves through the SDK's public endpoint
//! resolver to the same partition, and compares it with the SDK's copy when
//! the SDK's sources are on disk.

use std::sync::LazyLock;

use serde_json::Value;

const PARTITIONS_JSON: &str = include_str!("partitions.json");

/// One partition: its ID (`aws`, `aws-cn`, `aws-eusc`, …), DNS suffix and Regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub id: String,
    pub dns_suffix: String,
    region_regex_prefixes: Vec<String>,
    pub regions: Vec<String>,
}

static PARTITIONS: LazyLock<Vec<PartitionInfo>> = LazyLock::new(|| parse(PARTITIONS_JSON));

fn parse(text: &str) -> Vec<PartitionInfo> {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    v["partitions"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let regions = p["regions"]
                        .as_object()?
                        .keys()
                        // `aws-global`, `aws-cn-global`, …: endpoints, not Regions.
                        .filter(|r| !r.ends_with("-global"))
                        .cloned()
                        .collect();
                    Some(PartitionInfo {
                        id: p["id"].as_str()?.to_owned(),
                        dns_suffix: p["outputs"]["dnsSuffix"].as_str()?.to_owned(),
                        region_regex_prefixes: regex_prefixes(p["regionRegex"].as_str()?),
                        regions,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The literal prefixes of a partition's `regionRegex`
/// (`^(us|eu|ap)\-\w+\-\d+$` → `us-`, `eu-`, `ap-`; `^us\-gov\-…` → `us-gov-`).
fn regex_prefixes(regex: &str) -> Vec<String> {
    let body = regex.trim_start_matches('^').replace("\\-", "-");
    let literal: String = body.split("\\w").next().unwrap_or_default().to_owned();
    if let Some(open) = literal.find('(') {
        let close = literal.find(')').unwrap_or(literal.len());
        let (head, tail) = (&literal[..open], &literal[close + 1..]);
        literal[open + 1..close]
            .split('|')
            .map(|alt| format!("{head}{alt}{tail}"))
            .collect()
    } else {
        vec![literal]
    }
}

/// Every partition the SDK knows.
pub fn partitions() -> &'static [PartitionInfo] {
    &PARTITIONS
}

/// The partition a Region belongs to, by the SDK's Region patterns (the most
/// specific prefix wins: `us-gov-west-1` is `aws-us-gov`, not `aws`).
pub fn partition_of(region: &str) -> Option<&'static PartitionInfo> {
    PARTITIONS
        .iter()
        .flat_map(|p| p.region_regex_prefixes.iter().map(move |pre| (pre, p)))
        .filter(|(pre, _)| region.starts_with(pre.as_str()))
        .max_by_key(|(pre, _)| pre.len())
        .map(|(_, p)| p)
        .or_else(|| {
            PARTITIONS
                .iter()
                .find(|p| p.regions.iter().any(|r| r == region))
        })
}

/// The other Regions of `region`'s partition, to probe when Identity Center
/// is not found in `region` (bounded by the partition, probed concurrently).
pub fn sibling_regions(region: &str) -> Vec<String> {
    partition_of(region)
        .map(|p| {
            p.regions
                .iter()
                .filter(|r| r.as_str() != region)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ssoadmin::config::endpoint::{Params, ResolveEndpoint};
    use futures::FutureExt as _;

    #[test]
    fn partitions_include_every_sdk_partition_and_newer_regions() {
        let ids: Vec<&str> = partitions().iter().map(|p| p.id.as_str()).collect();
        for id in [
            "aws",
            "aws-cn",
            "aws-us-gov",
            "aws-iso",
            "aws-iso-b",
            "aws-eusc",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        assert_eq!(
            partition_of("eusc-de-east-1").map(|p| p.id.as_str()),
            Some("aws-eusc")
        );
        assert_eq!(
            partition_of("us-gov-west-1").map(|p| p.id.as_str()),
            Some("aws-us-gov")
        );
        assert_eq!(
            partition_of("us-isob-east-1").map(|p| p.id.as_str()),
            Some("aws-iso-b")
        );
        assert_eq!(
            partition_of("mx-central-1").map(|p| p.id.as_str()),
            Some("aws")
        );
        let aws = sibling_regions("us-east-1");
        assert!(
            aws.contains(&"mx-central-1".to_owned()) && aws.contains(&"ap-southeast-5".to_owned())
        );
        assert!(
            !aws.contains(&"us-east-1".to_owned()) && !aws.iter().any(|r| r.ends_with("global"))
        );
    }

    #[test]
    fn roster_accepts_every_region_and_partition_of_the_sdk_it_names() {
        for p in partitions() {
            let Ok(core) = roster_core::Partition::parse(&p.id) else {
                continue; // partitions roster does not support yet (aws-iso-e, aws-iso-f)
            };
            for r in &p.regions {
                let region = roster_core::Region::parse(r).expect(r);
                assert_eq!(region.partition(), core, "{r}");
            }
        }
        let arn =
            roster_core::RoleArn::parse("arn:aws-eusc:iam::123456789012:role/roster").unwrap();
        assert_eq!(arn.partition().as_str(), "aws-eusc");
    }

    #[test]
    fn every_region_resolves_through_the_sdk_to_its_partition() {
        let resolver = aws_sdk_ssoadmin::config::endpoint::DefaultResolver::new();
        for p in partitions() {
            for r in &p.regions {
                let params = Params::builder().region(r.clone()).build().expect("params");
                let endpoint = resolver
                    .resolve_endpoint(&params)
                    .now_or_never()
                    .expect("ready")
                    .expect("resolves");
                assert!(
                    endpoint.url().ends_with(&p.dns_suffix),
                    "{r}: {} is not in {}",
                    endpoint.url(),
                    p.dns_suffix
                );
            }
        }
    }

    /// When the SDK's sources are on disk (a normal cargo build), the copy
    /// here must be exactly the SDK's partition data.
    #[test]
    fn copy_matches_the_sdk_partition_data_when_available() {
        let Some(home) = std::env::var_os("CARGO_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        else {
            return;
        };
        let Ok(indexes) = std::fs::read_dir(home.join("registry/src")) else {
            return;
        };
        for index in indexes.flatten() {
            let Ok(crates) = std::fs::read_dir(index.path()) else {
                continue;
            };
            for c in crates.flatten() {
                let name = c.file_name().to_string_lossy().into_owned();
                if !name.starts_with("aws-sdk-ssoadmin-") {
                    continue;
                }
                let Ok(src) = std::fs::read_to_string(c.path().join("src/endpoint_lib.rs")) else {
                    continue;
                };
                let Some(json) = embedded_json(&src) else {
                    continue;
                };
                let theirs = parse(&json);
                if theirs.len() == partitions().len() {
                    assert_eq!(theirs, partitions(), "partitions.json differs from {name}");
                    return;
                }
            }
        }
    }

    fn embedded_json(src: &str) -> Option<String> {
        let start = src.find("new_from_json(b\"")? + "new_from_json(b\"".len();
        let end = src[start..].find("\")")? + start;
        Some(
            src[start..end]
                .replace("\\\\", "\u{0}")
                .replace("\\\"", "\"")
                .replace('\u{0}', "\\"),
        )
    }
}
