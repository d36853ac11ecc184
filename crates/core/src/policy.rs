//! IAM policy documents roster asks customers to create: the trust policy
//! (the wizard's first step) and the inline permissions policy (its second step), as data rendered to JSON,
//! and the one list of AWS actions roster may call with the customer's role.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::external_id::ExternalId;
use crate::ids::Region;

/// Identity Store reads a sync needs. Required in every connection.
pub const IDENTITY_STORE_ACTIONS: [&str; 3] = [
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
];

/// Optional: lets roster find the Identity Store ID and home Region by itself, and
/// tell the organization instance (owned by the management account) from an
/// account instance with `organizations:DescribeOrganization` (read-only).
pub const DISCOVERY_ACTIONS: [&str; 3] = [
    "sso:ListInstances",
    "sso:ListRegions",
    "organizations:DescribeOrganization",
];

/// Optional: needed only when the directory is encrypted with a customer-managed KMS key.
pub const KMS_ACTIONS: [&str; 1] = ["kms:Decrypt"];

/// Every action roster may perform with a customer's role. The AWS adapter
/// refuses to send anything else, and a test proves it calls nothing else.
pub const ROSTER_IAM_ACTIONS: [&str; 7] = [
    IDENTITY_STORE_ACTIONS[0],
    IDENTITY_STORE_ACTIONS[1],
    IDENTITY_STORE_ACTIONS[2],
    DISCOVERY_ACTIONS[0],
    DISCOVERY_ACTIONS[1],
    DISCOVERY_ACTIONS[2],
    KMS_ACTIONS[0],
];

/// Read-only `sso:` and `organizations:` actions the SSO source calls:
/// permission sets and their policies, provisioning, account assignments,
/// applications and the organization's accounts. Granted only to a
/// connection that reads SSO access; the Identity Store connection's policy
/// does not name them.
pub const SSO_READ_ACTIONS: [&str; 11] = [
    "sso:ListPermissionSets",
    "sso:DescribePermissionSet",
    "sso:ListManagedPoliciesInPermissionSet",
    "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
    "sso:GetInlinePolicyForPermissionSet",
    "sso:GetPermissionsBoundaryForPermissionSet",
    "sso:ListAccountsForProvisionedPermissionSet",
    "sso:ListAccountAssignments",
    "sso:ListApplications",
    "sso:ListApplicationAssignments",
    "organizations:ListAccounts",
];

/// The encryption-context key Identity Store sets on its KMS calls; AWS's own
/// `AWSSSODirectoryReadOnly` requires it, so a `kms:Decrypt` grant cannot be
/// used for anything but an Identity Store.
pub const KMS_ENCRYPTION_CONTEXT_KEY: &str =
    "kms:EncryptionContext:aws:identitystore:identitystore-arn";

/// Actions roster performs with its *own* (platform) credentials.
pub const PLATFORM_ACTIONS: [&str; 2] = ["sts:AssumeRole", "sts:GetCallerIdentity"];

/// An IAM policy document. Field order is the order IAM shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<&'static str>,
    pub effect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<BTreeMap<&'static str, String>>,
    pub action: Actions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<&'static str, BTreeMap<&'static str, String>>>,
}

/// IAM accepts a single action or a list; roster renders what reads best.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Actions {
    One(&'static str),
    Many(Vec<&'static str>),
}

impl PolicyDocument {
    fn new(statements: Vec<Statement>) -> Self {
        Self {
            version: "2012-10-17",
            statements,
        }
    }

    /// Pretty JSON, as shown in the wizard and written into templates.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("policy documents always serialise")
    }

    /// Every action named by the document.
    pub fn actions(&self) -> Vec<&'static str> {
        self.statements
            .iter()
            .flat_map(|s| match &s.action {
                Actions::One(a) => vec![*a],
                Actions::Many(v) => v.clone(),
            })
            .collect()
    }
}

/// The trust policy of the customer's role: only roster's principal, only
/// with this connection's External ID.
pub fn trust_policy(platform_principal_arn: &str, external_id: &ExternalId) -> PolicyDocument {
    let principal = BTreeMap::from([("AWS", platform_principal_arn.to_owned())]);
    let condition = BTreeMap::from([(
        "StringEquals",
        BTreeMap::from([("sts:ExternalId", external_id.expose().to_owned())]),
    )]);
    PolicyDocument::new(vec![Statement {
        sid: None,
        effect: "Allow",
        principal: Some(principal),
        action: Actions::One("sts:AssumeRole"),
        resource: None,
        condition: Some(condition),
    }])
}

/// Which optional statements the inline permissions policy carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionsOptions {
    /// `sso:ListInstances` / `sso:ListRegions` so roster can discover the instance.
    pub discovery: bool,
    /// `kms:Decrypt` through Identity Store, for a customer-managed KMS key.
    /// `Some(region)` scopes it to one Region's endpoint; `None` to any Region.
    pub kms: Option<Option<Region>>,
    /// The SSO source's statement (`SSO_READ_ACTIONS`): permission sets,
    /// assignments, applications and the organization's accounts.
    pub sso: bool,
}

impl PermissionsOptions {
    /// Discovery on, KMS off: what the wizard shows first.
    pub fn recommended() -> Self {
        Self {
            discovery: true,
            kms: None,
            sso: false,
        }
    }

    /// The SSO source's policy: the directory (it expands groups into
    /// users), discovery (it needs the instance ARN) and the SSO reads.
    pub fn sso_source() -> Self {
        Self {
            discovery: true,
            kms: None,
            sso: true,
        }
    }
}

/// The `Sid` of the SSO source's statement.
pub const SSO_STATEMENT_SID: &str = "RosterReadIdentityCenterAccess";

/// The statement an Identity Store connection's role gains to collect
/// access too ("also collect access"): exactly `SSO_READ_ACTIONS`.
pub fn sso_statement() -> Statement {
    Statement {
        sid: Some(SSO_STATEMENT_SID),
        effect: "Allow",
        principal: None,
        action: Actions::Many(SSO_READ_ACTIONS.to_vec()),
        resource: Some("*"),
        condition: None,
    }
}

impl Statement {
    /// Pretty JSON of this one statement, as the wizard shows it to add.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("statements always serialise")
    }
}

/// The inline permissions policy: read-only, exactly the actions roster calls.
pub fn permissions_policy(options: &PermissionsOptions) -> PolicyDocument {
    let mut statements = vec![Statement {
        sid: Some("RosterReadIdentityStore"),
        effect: "Allow",
        principal: None,
        action: Actions::Many(IDENTITY_STORE_ACTIONS.to_vec()),
        resource: Some("*"),
        condition: None,
    }];
    if options.discovery {
        statements.push(Statement {
            sid: Some("RosterDiscoverIdentityCenter"),
            effect: "Allow",
            principal: None,
            action: Actions::Many(DISCOVERY_ACTIONS.to_vec()),
            resource: Some("*"),
            condition: None,
        });
    }
    if let Some(region) = &options.kms {
        // As AWS's AWSSSODirectoryReadOnly: only through the Identity Store
        // endpoint, and only with an Identity Store encryption context.
        let context = ("StringLike", KMS_ENCRYPTION_CONTEXT_KEY, "*".to_owned());
        let via = match region {
            Some(r) => (
                "StringEquals",
                "kms:ViaService",
                format!("identitystore.{r}.amazonaws.com"),
            ),
            None => (
                "StringLike",
                "kms:ViaService",
                "identitystore.*.amazonaws.com".to_owned(),
            ),
        };
        let mut condition: BTreeMap<&'static str, BTreeMap<&'static str, String>> = BTreeMap::new();
        for (operator, key, value) in [via, context] {
            condition.entry(operator).or_default().insert(key, value);
        }
        statements.push(Statement {
            sid: Some("RosterDecryptCustomerManagedKey"),
            effect: "Allow",
            principal: None,
            action: Actions::Many(KMS_ACTIONS.to_vec()),
            resource: Some("*"),
            condition: Some(condition),
        });
    }
    if options.sso {
        statements.push(sso_statement());
    }
    PolicyDocument::new(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policy_names_principal_and_external_id() {
        let id = ExternalId::parse("abcdefghijklmnopqrstuvwxyz0123456789ABCD").unwrap();
        let json = trust_policy("arn:aws:iam::111122223333:role/roster", &id).to_json();
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::111122223333:role/roster"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
        }
      }
    }
  ]
}"#;
        assert_eq!(json, expected);
    }

    #[test]
    fn permissions_policy_is_read_only_and_within_the_constant() {
        let all = permissions_policy(&PermissionsOptions {
            discovery: true,
            kms: Some(None),
            sso: false,
        });
        for action in all.actions() {
            assert!(ROSTER_IAM_ACTIONS.contains(&action), "{action}");
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                verb.starts_with("List") || verb.starts_with("Describe") || verb == "Decrypt",
                "{action} is not a read"
            );
        }
        assert_eq!(all.actions().len(), ROSTER_IAM_ACTIONS.len());
    }

    #[test]
    fn sso_reads_are_reads_and_not_in_the_directory_policy() {
        let all = permissions_policy(&PermissionsOptions {
            discovery: true,
            kms: Some(None),
            sso: false,
        });
        for action in SSO_READ_ACTIONS {
            let (service, verb) = action.split_once(':').unwrap();
            assert!(service == "sso" || service == "organizations", "{action}");
            assert!(
                verb.starts_with("List") || verb.starts_with("Describe") || verb.starts_with("Get"),
                "{action} is not a read"
            );
            assert!(!ROSTER_IAM_ACTIONS.contains(&action), "{action}");
            assert!(!all.actions().contains(&action), "{action}");
        }
    }

    #[test]
    fn the_sso_source_policy_adds_exactly_the_sso_reads_to_the_directory_policy() {
        let sso = permissions_policy(&PermissionsOptions::sso_source());
        let directory = permissions_policy(&PermissionsOptions::recommended());
        let mut expected = directory.actions();
        expected.extend(SSO_READ_ACTIONS);
        assert_eq!(sso.actions(), expected);
        let last = sso.statements.last().unwrap();
        assert_eq!(last, &sso_statement());
        assert_eq!(last.sid, Some(SSO_STATEMENT_SID));
        for action in sso.actions() {
            assert!(
                ROSTER_IAM_ACTIONS.contains(&action) || SSO_READ_ACTIONS.contains(&action),
                "{action}"
            );
        }
    }

    #[test]
    fn the_sso_statement_names_sso_and_organizations_reads_only() {
        let json = sso_statement().to_json();
        for action in SSO_READ_ACTIONS {
            assert!(json.contains(&format!("\"{action}\"")), "{action}");
        }
        assert!(!json.contains("identitycenter:") && !json.contains("sso-directory:"));
        assert!(!json.contains("identitystore:"));
    }

    #[test]
    fn minimal_policy_has_only_identity_store_reads() {
        let min = permissions_policy(&PermissionsOptions::default());
        assert_eq!(min.actions(), IDENTITY_STORE_ACTIONS.to_vec());
    }

    #[test]
    fn kms_statement_is_scoped_to_identity_store() {
        let region = Region::parse("eu-west-1").unwrap();
        let json = permissions_policy(&PermissionsOptions {
            discovery: false,
            kms: Some(Some(region)),
            sso: false,
        })
        .to_json();
        assert!(json.contains("\"kms:ViaService\": \"identitystore.eu-west-1.amazonaws.com\""));
        assert!(json.contains("StringEquals"));
        let json = permissions_policy(&PermissionsOptions {
            discovery: false,
            kms: Some(None),
            sso: false,
        })
        .to_json();
        assert!(json.contains("\"identitystore.*.amazonaws.com\""));
        assert!(json.contains("StringLike"));
    }

    #[test]
    fn kms_statement_requires_the_identity_store_encryption_context() {
        for kms in [Some(Region::parse("eu-west-1").unwrap()), None] {
            let doc = permissions_policy(&PermissionsOptions {
                discovery: false,
                kms: Some(kms),
                sso: false,
            });
            let condition = doc.statements[1].condition.as_ref().unwrap();
            assert_eq!(
                condition["StringLike"][KMS_ENCRYPTION_CONTEXT_KEY], "*",
                "as AWSSSODirectoryReadOnly does"
            );
        }
    }

    #[test]
    fn recommended_policy_json_is_pinned() {
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "RosterReadIdentityStore",
      "Effect": "Allow",
      "Action": [
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships"
      ],
      "Resource": "*"
    },
    {
      "Sid": "RosterDiscoverIdentityCenter",
      "Effect": "Allow",
      "Action": [
        "sso:ListInstances",
        "sso:ListRegions",
        "organizations:DescribeOrganization"
      ],
      "Resource": "*"
    }
  ]
}"#;
        assert_eq!(
            permissions_policy(&PermissionsOptions::recommended()).to_json(),
            expected
        );
    }
}
