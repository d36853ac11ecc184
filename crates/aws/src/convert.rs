//! SDK output types → roster's directory model. Every field AWS returns is kept.

use std::collections::BTreeMap;

use aws_sdk_identitystore::types as sdk;
use aws_smithy_types::date_time::{DateTime, Format};
use aws_smithy_types::{Document, Number};
use roster_core::directory::{
    Address, Attribute, ExternalIdentifier, MembershipMeta, Name, Photo, UserStatus,
};
use roster_core::{Group, GroupId, IdentityStoreId, Membership, MembershipId, User, UserId};

use crate::error::AwsError;

fn ts(dt: Option<&DateTime>) -> Option<String> {
    dt.and_then(|d| d.fmt(Format::DateTime).ok())
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn bad(what: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::Diagnosed(roster_core::Diagnosis::aws_error(
        "reading the directory",
        "InvalidResponse",
        &format!("{what}: {e}"),
    ))
}

fn external_ids(ids: &[sdk::ExternalId]) -> Vec<ExternalIdentifier> {
    ids.iter()
        .map(|e| ExternalIdentifier {
            issuer: e.issuer().to_owned(),
            id: e.id().to_owned(),
        })
        .collect()
}

pub(crate) fn document_to_json(d: &Document) -> serde_json::Value {
    match d {
        Document::Object(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), document_to_json(v)))
                .collect(),
        ),
        Document::Array(a) => serde_json::Value::Array(a.iter().map(document_to_json).collect()),
        Document::Number(Number::PosInt(n)) => serde_json::Value::from(*n),
        Document::Number(Number::NegInt(n)) => serde_json::Value::from(*n),
        Document::Number(Number::Float(f)) => serde_json::Value::from(*f),
        Document::String(s) => serde_json::Value::String(s.clone()),
        Document::Bool(b) => serde_json::Value::Bool(*b),
        Document::Null => serde_json::Value::Null,
    }
}

pub(crate) fn user(u: &sdk::User, store: &IdentityStoreId) -> Result<User, AwsError> {
    let mut out = User::new(
        store.clone(),
        UserId::parse(u.user_id()).map_err(|e| bad("UserId", e))?,
    );
    out.user_name = u.user_name().map(str::to_owned);
    out.display_name = u.display_name().map(str::to_owned);
    out.name = u.name().map(|n| Name {
        formatted: n.formatted().map(str::to_owned),
        family_name: n.family_name().map(str::to_owned),
        given_name: n.given_name().map(str::to_owned),
        middle_name: n.middle_name().map(str::to_owned),
        honorific_prefix: n.honorific_prefix().map(str::to_owned),
        honorific_suffix: n.honorific_suffix().map(str::to_owned),
    });
    out.nick_name = u.nick_name().map(str::to_owned);
    out.emails = u
        .emails()
        .iter()
        .map(|e| Attribute {
            value: e.value().map(str::to_owned),
            r#type: e.r#type().map(str::to_owned),
            primary: e.primary(),
        })
        .collect();
    out.external_ids = external_ids(u.external_ids());
    out.user_status = u.user_status().map(|s| match s {
        sdk::UserStatus::Enabled => UserStatus::Enabled,
        sdk::UserStatus::Disabled => UserStatus::Disabled,
        other => UserStatus::Other(other.as_str().to_owned()),
    });
    out.user_type = u.user_type().map(str::to_owned);
    out.title = u.title().map(str::to_owned);
    out.profile_url = u.profile_url().map(str::to_owned);
    out.addresses = u
        .addresses()
        .iter()
        .map(|a| Address {
            street_address: a.street_address().map(str::to_owned),
            locality: a.locality().map(str::to_owned),
            region: a.region().map(str::to_owned),
            postal_code: a.postal_code().map(str::to_owned),
            country: a.country().map(str::to_owned),
            formatted: a.formatted().map(str::to_owned),
            r#type: a.r#type().map(str::to_owned),
            primary: a.primary(),
        })
        .collect();
    out.phone_numbers = u
        .phone_numbers()
        .iter()
        .map(|p| Attribute {
            value: p.value().map(str::to_owned),
            r#type: p.r#type().map(str::to_owned),
            primary: p.primary(),
        })
        .collect();
    out.preferred_language = u.preferred_language().map(str::to_owned);
    out.locale = u.locale().map(str::to_owned);
    out.timezone = u.timezone().map(str::to_owned);
    out.photos = u
        .photos()
        .iter()
        .map(|p| Photo {
            value: p.value().to_owned(),
            r#type: p.r#type().map(str::to_owned),
            display: p.display().map(str::to_owned),
            primary: p.primary(),
        })
        .collect();
    out.website = u.website().map(str::to_owned);
    out.birthdate = u.birthdate().map(str::to_owned);
    out.roles = u
        .roles()
        .iter()
        .map(|r| Attribute {
            value: r.value().map(str::to_owned),
            r#type: r.r#type().map(str::to_owned),
            primary: r.primary(),
        })
        .collect();
    out.user_arn = non_empty(u.user_arn());
    out.revision = non_empty(u.revision());
    out.created_at = ts(u.created_at());
    out.created_by = u.created_by().map(str::to_owned);
    out.updated_at = ts(u.updated_at());
    out.updated_by = u.updated_by().map(str::to_owned);
    out.extensions = u
        .extensions()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), document_to_json(v)))
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default();
    Ok(out)
}

pub(crate) fn group(g: &sdk::Group, store: &IdentityStoreId) -> Result<Group, AwsError> {
    let mut out = Group::new(
        store.clone(),
        GroupId::parse(g.group_id()).map_err(|e| bad("GroupId", e))?,
    );
    out.display_name = g.display_name().map(str::to_owned);
    out.description = g.description().map(str::to_owned);
    out.external_ids = external_ids(g.external_ids());
    out.group_arn = non_empty(g.group_arn());
    out.revision = non_empty(g.revision());
    out.created_at = ts(g.created_at());
    out.created_by = g.created_by().map(str::to_owned);
    out.updated_at = ts(g.updated_at());
    out.updated_by = g.updated_by().map(str::to_owned);
    Ok(out)
}

/// Memberships of something other than a user (none exist today) are skipped.
pub(crate) fn membership(
    m: &sdk::GroupMembership,
    group: &GroupId,
) -> Result<Option<Membership>, AwsError> {
    let Some(sdk::MemberId::UserId(user)) = m.member_id() else {
        return Ok(None);
    };
    Ok(Some(Membership {
        membership_id: MembershipId::parse(m.membership_id())
            .map_err(|e| bad("MembershipId", e))?,
        group_id: m
            .group_id()
            .map_or_else(|| Ok(group.clone()), GroupId::parse)
            .map_err(|e| bad("GroupId", e))?,
        user_id: UserId::parse(user).map_err(|e| bad("UserId", e))?,
        meta: MembershipMeta {
            membership_arn: non_empty(m.membership_arn()),
            created_at: ts(m.created_at()),
            created_by: m.created_by().map(str::to_owned),
            updated_at: ts(m.updated_at()),
            updated_by: m.updated_by().map(str::to_owned),
        },
    }))
}
