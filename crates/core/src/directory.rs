//! The Identity Store directory model: users, groups and memberships with
//! every field the API returns. Serialised with AWS's field names, so JSON
//! exports read like the API (`UserName`, `DisplayName`, `Emails`, …).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, IdentityStoreId, MembershipId, UserId};

/// `UserStatus` as the Identity Store reports it. Unknown future values are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserStatus {
    Enabled,
    Disabled,
    #[serde(untagged)]
    Other(String),
}

/// An identifier of the object in the external `IdP` (SCIM, AD, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalIdentifier {
    pub issuer: String,
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Name {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
}

/// A multi-valued attribute entry: e-mail, phone number or role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Photo {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// A user as `ListUsers` returns it. Timestamps are RFC 3339 strings (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    pub identity_store_id: IdentityStoreId,
    pub user_id: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_ids: Vec<ExternalIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_status: Option<UserStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// Extension attributes (`aws:identitystore:enterprise`, …), kept as JSON.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, serde_json::Value>,
}

impl User {
    /// A user with only the required fields set; the rest default to empty.
    pub fn new(identity_store_id: IdentityStoreId, user_id: UserId) -> Self {
        Self {
            identity_store_id,
            user_id,
            user_name: None,
            display_name: None,
            name: None,
            nick_name: None,
            emails: Vec::new(),
            external_ids: Vec::new(),
            user_status: None,
            user_type: None,
            title: None,
            profile_url: None,
            addresses: Vec::new(),
            phone_numbers: Vec::new(),
            preferred_language: None,
            locale: None,
            timezone: None,
            photos: Vec::new(),
            website: None,
            birthdate: None,
            roles: Vec::new(),
            user_arn: None,
            revision: None,
            created_at: None,
            created_by: None,
            updated_at: None,
            updated_by: None,
            extensions: BTreeMap::new(),
        }
    }

    /// The primary e-mail, or the first one when none is marked primary.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| self.emails.first())
            .and_then(|e| e.value.as_deref())
    }

    /// Users provisioned from an external `IdP` carry `ExternalIds`.
    pub fn is_idp_sourced(&self) -> bool {
        !self.external_ids.is_empty()
    }

    pub fn is_disabled(&self) -> bool {
        self.user_status == Some(UserStatus::Disabled)
    }

    /// The enterprise extension, when AWS returned one.
    pub fn enterprise(&self) -> Option<Enterprise> {
        let doc = self.extensions.get(ENTERPRISE_EXTENSION)?.as_object()?;
        let text = |k: &str| match doc.get(k)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(o) => o.get("value")?.as_str().map(str::to_owned),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        };
        Some(Enterprise {
            employee_number: text("employeeNumber"),
            cost_center: text("costCenter"),
            organization: text("organization"),
            division: text("division"),
            department: text("department"),
            manager: text("manager"),
        })
    }
}

/// A group as `ListGroups` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub identity_store_id: IdentityStoreId,
    pub group_id: GroupId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_ids: Vec<ExternalIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

impl Group {
    pub fn new(identity_store_id: IdentityStoreId, group_id: GroupId) -> Self {
        Self {
            identity_store_id,
            group_id,
            display_name: None,
            description: None,
            external_ids: Vec::new(),
            group_arn: None,
            revision: None,
            created_at: None,
            created_by: None,
            updated_at: None,
            updated_by: None,
        }
    }
}

/// A user's membership of a group (`ListGroupMemberships`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Membership {
    pub membership_id: MembershipId,
    pub group_id: GroupId,
    pub user_id: UserId,
    /// What AWS says about the membership itself; empty in snapshots taken
    /// before roster kept it (directory format 1).
    #[serde(flatten)]
    pub meta: MembershipMeta,
}

impl Membership {
    /// A membership without metadata.
    pub fn new(membership_id: MembershipId, group_id: GroupId, user_id: UserId) -> Self {
        Self {
            membership_id,
            group_id,
            user_id,
            meta: MembershipMeta::default(),
        }
    }
}

/// A membership's own fields: its ARN and who changed it when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

impl MembershipMeta {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Which fields a snapshot's directory carries: 1 before the enterprise
/// extension and membership fields were kept, 2 since. Bundles write the
/// columns of their snapshot's format; diffs compare only what both have.
pub const DIRECTORY_FORMAT: u8 = 2;

/// The extension `ListUsers` is asked for.
pub const ENTERPRISE_EXTENSION: &str = "aws:identitystore:enterprise";

/// The enterprise extension's fields, as shown and exported: (label, value).
/// `manager` is an object whose `value` is the manager's user ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enterprise {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
}

impl Enterprise {
    /// The fields in display order, with their labels.
    pub fn fields(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("Employee number", self.employee_number.as_deref()),
            ("Cost center", self.cost_center.as_deref()),
            ("Organization", self.organization.as_deref()),
            ("Division", self.division.as_deref()),
            ("Department", self.department.as_deref()),
            ("Manager", self.manager.as_deref()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        let mut u = User::new(
            IdentityStoreId::parse("d-1234567890").unwrap(),
            UserId::parse("u-1").unwrap(),
        );
        u.user_name = Some("alice".into());
        u
    }

    #[test]
    fn json_uses_aws_field_names_and_omits_absent_fields() {
        let mut u = user();
        u.emails.push(Attribute {
            value: Some("a@example.com".into()),
            r#type: Some("work".into()),
            primary: true,
        });
        u.user_status = Some(UserStatus::Enabled);
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(
            json,
            r#"{"IdentityStoreId":"d-1234567890","UserId":"u-1","UserName":"alice","Emails":[{"Value":"a@example.com","Type":"work","Primary":true}],"UserStatus":"ENABLED"}"#
        );
        assert_eq!(serde_json::from_str::<User>(&json).unwrap(), u);
    }

    #[test]
    fn unknown_statuses_survive_a_round_trip() {
        let s: UserStatus = serde_json::from_str("\"SUSPENDED\"").unwrap();
        assert_eq!(s, UserStatus::Other("SUSPENDED".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"SUSPENDED\"");
    }

    #[test]
    fn primary_email_prefers_the_primary_flag() {
        let mut u = user();
        assert_eq!(u.primary_email(), None);
        u.emails.push(Attribute {
            value: Some("second@x".into()),
            r#type: None,
            primary: false,
        });
        assert_eq!(u.primary_email(), Some("second@x"));
        u.emails.push(Attribute {
            value: Some("main@x".into()),
            r#type: None,
            primary: true,
        });
        assert_eq!(u.primary_email(), Some("main@x"));
    }

    #[test]
    fn idp_sourced_and_disabled_flags() {
        let mut u = user();
        assert!(!u.is_idp_sourced());
        u.external_ids.push(ExternalIdentifier {
            issuer: "okta".into(),
            id: "00u1".into(),
        });
        assert!(u.is_idp_sourced());
        u.user_status = Some(UserStatus::Disabled);
        assert!(u.is_disabled());
    }
}
