//! The directory's documents (`doc` of `dir_*` and `stage_*`) in a compact
//! JSON form (#16): a user's document was 800 bytes, 190 of them AWS's field
//! names and 80 its own ID, written twice (`UserId`, `UserArn`).
//!
//! A compact document is `c` or `C` followed by JSON in which every field
//! name `NAMES` knows is its code (`UserName` → `2`) and any other name is
//! kept behind a `'`; with `c`, every occurrence of the object's own ID
//! (its key column) in a string is `~` — chosen only when no string of the
//! document holds a `~`, so decoding is exact. Documents written before
//! (JSON objects, starting with `{`) are read as they are; `rewrite_legacy`
//! converts them once after migration 0015. Encoding is deterministic, so
//! an unchanged object keeps byte-equal documents and stays one version.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::rows::corrupt;
use crate::error::StoreError;

/// Field names with a code: the code of `NAMES[i]` is `code(i)`. Append
/// only: a code, once written, must always mean the same name.
const NAMES: &[&str] = &[
    "IdentityStoreId",
    "UserId",
    "UserName",
    "DisplayName",
    "Name",
    "Formatted",
    "FamilyName",
    "GivenName",
    "MiddleName",
    "HonorificPrefix",
    "HonorificSuffix",
    "NickName",
    "Emails",
    "Value",
    "Type",
    "Primary",
    "ExternalIds",
    "Issuer",
    "Id",
    "UserStatus",
    "UserType",
    "Title",
    "ProfileUrl",
    "Addresses",
    "StreetAddress",
    "Locality",
    "Region",
    "PostalCode",
    "Country",
    "PhoneNumbers",
    "PreferredLanguage",
    "Locale",
    "Timezone",
    "Photos",
    "Display",
    "Website",
    "Birthdate",
    "Roles",
    "UserArn",
    "Revision",
    "CreatedAt",
    "CreatedBy",
    "UpdatedAt",
    "UpdatedBy",
    "Extensions",
    "GroupId",
    "Description",
    "GroupArn",
    "MembershipArn",
    "aws:identitystore:enterprise",
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
    "value",
];

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Marks a name `NAMES` does not know; never the first character of a code.
const VERBATIM: char = '\'';
/// Stands for the object's own ID in strings of a `c` document.
const OWN_ID: char = '~';

fn code(i: usize) -> String {
    let n = DIGITS.len();
    if i < n {
        char::from(DIGITS[i]).to_string()
    } else {
        format!(
            "{}{}",
            char::from(DIGITS[i / n - 1]),
            char::from(DIGITS[i % n])
        )
    }
}

fn name_of(code_str: &str) -> Option<&'static str> {
    let digit = |c: u8| DIGITS.iter().position(|d| *d == c);
    let i = match code_str.as_bytes() {
        [a] => digit(*a)?,
        [a, b] => (digit(*a)? + 1) * DIGITS.len() + digit(*b)?,
        _ => return None,
    };
    NAMES.get(i).copied()
}

fn code_of(name: &str) -> Option<String> {
    NAMES.iter().position(|n| *n == name).map(code)
}

fn any_string_holds(value: &Value, c: char) -> bool {
    match value {
        Value::String(s) => s.contains(c),
        Value::Array(items) => items.iter().any(|v| any_string_holds(v, c)),
        Value::Object(map) => map.values().any(|v| any_string_holds(v, c)),
        _ => false,
    }
}

/// Renames fields to codes and, with `own_id`, replaces the ID in strings.
fn shrink(value: Value, own_id: Option<&str>) -> Value {
    match value {
        Value::String(s) => match own_id {
            Some(id) if s.contains(id) => Value::String(s.replace(id, &OWN_ID.to_string())),
            _ => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(|v| shrink(v, own_id)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let k = code_of(&k).unwrap_or_else(|| format!("{VERBATIM}{k}"));
                    (k, shrink(v, own_id))
                })
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// The inverse of [`shrink`].
fn expand(value: Value, own_id: Option<&str>) -> Result<Value, StoreError> {
    Ok(match value {
        Value::String(s) => match own_id {
            Some(id) if s.contains(OWN_ID) => Value::String(s.replace(OWN_ID, id)),
            _ => Value::String(s),
        },
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| expand(v, own_id))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let name = match k.strip_prefix(VERBATIM) {
                    Some(verbatim) => verbatim.to_owned(),
                    None => name_of(&k)
                        .ok_or_else(|| corrupt(format!("unknown field code {k:?}")))?
                        .to_owned(),
                };
                out.insert(name, expand(v, own_id)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

/// `record`'s document, compact, for the object whose key is `own_id`.
pub(super) fn encode<T: Serialize>(record: &T, own_id: &str) -> Result<String, StoreError> {
    let value = serde_json::to_value(record).map_err(corrupt)?;
    let substitute = !own_id.is_empty() && !any_string_holds(&value, OWN_ID);
    let (tag, id) = if substitute {
        ('c', Some(own_id))
    } else {
        ('C', None)
    };
    let body = serde_json::to_string(&shrink(value, id)).map_err(corrupt)?;
    Ok(format!("{tag}{body}"))
}

/// A stored document of the object whose key is `own_id`: compact, or JSON
/// as written before migration 0015.
pub(super) fn decode<T: DeserializeOwned>(doc: &str, own_id: &str) -> Result<T, StoreError> {
    let value = match doc.as_bytes().first() {
        Some(b'{') => return serde_json::from_str(doc).map_err(corrupt),
        Some(b'c') => expand(
            serde_json::from_str(&doc[1..]).map_err(corrupt)?,
            Some(own_id),
        )?,
        Some(b'C') => expand(serde_json::from_str(&doc[1..]).map_err(corrupt)?, None)?,
        _ => return Err(corrupt(format!("not a directory document: {doc:.20}"))),
    };
    serde_json::from_value(value).map_err(corrupt)
}

/// True for a document written before migration 0015 (plain JSON).
pub(super) fn is_legacy(doc: &str) -> bool {
    doc.starts_with('{')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use roster_core::directory::{ExternalIdentifier, MembershipMeta, UserStatus};
    use roster_core::{Group, GroupId, IdentityStoreId, User, UserId};
    use serde_json::json;

    use super::*;

    const ID: &str = "9067a1b2c3-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    fn user() -> User {
        let mut u = User::new(
            IdentityStoreId::parse("d-9067a1b2c3").unwrap(),
            UserId::parse(ID).unwrap(),
        );
        u.user_name = Some("ana.smith@example.com".into());
        u.display_name = Some("Ana Smith".into());
        u.user_status = Some(UserStatus::Enabled);
        u.external_ids = vec![ExternalIdentifier {
            issuer: "https://scim.example.com".into(),
            id: "0123456789abcdef".into(),
        }];
        u.user_arn = Some(format!("arn:aws:identitystore:::user/{ID}"));
        u.created_at = Some("2024-01-02T03:04:05Z".into());
        u.extensions.insert(
            "aws:identitystore:enterprise".into(),
            json!({"employeeNumber": "E1", "costCenter": "CC-1", "manager": {"value": ID}, "x-future": [1.5, null, true]}),
        );
        u
    }

    #[test]
    fn documents_read_back_exactly_and_smaller() {
        let u = user();
        let doc = encode(&u, ID).unwrap();
        assert!(doc.starts_with('c'), "{doc}");
        assert!(!doc.contains(ID), "{doc}");
        assert!(doc.contains("'x-future"), "unknown names are kept: {doc}");
        assert_eq!(decode::<User>(&doc, ID).unwrap(), u);
        let json = serde_json::to_string(&u).unwrap();
        assert!(
            doc.len() * 10 < json.len() * 7,
            "{} vs {}",
            doc.len(),
            json.len()
        );
        assert_eq!(encode(&u, ID).unwrap(), doc, "deterministic");
    }

    #[test]
    fn legacy_json_documents_still_read() {
        let u = user();
        let json = serde_json::to_string(&u).unwrap();
        assert!(is_legacy(&json));
        assert_eq!(decode::<User>(&json, ID).unwrap(), u);
        let doc = encode(&u, ID).unwrap();
        assert!(!is_legacy(&doc));
    }

    #[test]
    fn a_tilde_in_any_string_turns_substitution_off() {
        let mut u = user();
        u.nick_name = Some(format!("~{ID}~"));
        let doc = encode(&u, ID).unwrap();
        assert!(doc.starts_with('C'), "{doc}");
        assert_eq!(decode::<User>(&doc, ID).unwrap(), u);
        // And a NUL, a quote, a name that looks like a code or like a verbatim name.
        let mut u = user();
        u.title = Some("a\0b\"'".into());
        u.extensions.insert("2".into(), json!({"'q": "~"}));
        let doc = encode(&u, ID).unwrap();
        assert_eq!(decode::<User>(&doc, ID).unwrap(), u);
    }

    #[test]
    fn groups_and_membership_fields_round_trip() {
        let gid = "g-0001";
        let mut g = Group::new(
            IdentityStoreId::parse("d-9067a1b2c3").unwrap(),
            GroupId::parse(gid).unwrap(),
        );
        g.description = Some("admins".into());
        g.group_arn = Some(format!("arn:aws:identitystore:::group/{gid}"));
        let doc = encode(&g, gid).unwrap();
        assert_eq!(decode::<Group>(&doc, gid).unwrap(), g);
        let meta = MembershipMeta {
            membership_arn: Some(format!("arn:aws:identitystore:::membership/{ID}")),
            created_at: Some("2024-01-02T03:04:05Z".into()),
            ..MembershipMeta::default()
        };
        let doc = encode(&meta, ID).unwrap();
        let json = serde_json::to_string(&meta).unwrap();
        assert!(doc.len() * 10 < json.len() * 7, "{doc} vs {json}");
        assert_eq!(decode::<MembershipMeta>(&doc, ID).unwrap(), meta);
    }

    #[test]
    fn codes_are_unique_and_never_verbatim() {
        let codes: BTreeSet<String> = (0..NAMES.len()).map(code).collect();
        assert_eq!(codes.len(), NAMES.len());
        assert!(codes.iter().all(|c| !c.starts_with(VERBATIM)));
        for (i, n) in NAMES.iter().enumerate() {
            assert_eq!(name_of(&code(i)), Some(*n));
        }
        assert_eq!(name_of(&code(70)), None);
        assert!(decode::<User>("c{\"zz\":1}", ID).is_err());
        assert!(decode::<User>("", ID).is_err());
    }
}
