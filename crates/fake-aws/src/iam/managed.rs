//! AWS managed policies fake-aws knows, with their real documents (current
//! versions as AWS publishes them). `AWSSSOReadOnly` grants no `identitystore:` action.

/// Returns the document of a managed policy ARN, if known.
pub fn document(arn: &str) -> Option<&'static str> {
    Some(match arn.strip_prefix("arn:aws:iam::aws:policy/")? {
        "AWSSSOReadOnly" => SSO_READ_ONLY,
        "AWSSSODirectoryReadOnly" => SSO_DIRECTORY_READ_ONLY,
        "AWSSSODirectoryAdministrator" => SSO_DIRECTORY_ADMIN,
        "AdministratorAccess" => ADMIN,
        _ => return None,
    })
}

const SSO_READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSSSOReadOnly","Effect":"Allow","Action":["ds:DescribeDirectories","ds:DescribeTrusts","iam:ListPolicies","organizations:DescribeOrganization","organizations:DescribeAccount","organizations:ListParents","organizations:ListChildren","organizations:ListAccounts","organizations:ListRoots","organizations:ListAccountsForParent","organizations:ListOrganizationalUnitsForParent","organizations:ListDelegatedAdministrators","sso:Describe*","sso:Get*","sso:List*","sso:Search*","sso-directory:DescribeDirectory","access-analyzer:ValidatePolicy","signin:ListTrustedIdentityPropagationApplicationsForConsole"],"Resource":"*"},{"Sid":"AllowKMSKeyUseViaAWSIAMIdentityCenter","Effect":"Allow","Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringLike":{"kms:ViaService":"sso.*.amazonaws.com"}}}]}"#;

const SSO_DIRECTORY_READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSSSODirectoryReadOnly","Effect":"Allow","Action":["sso-directory:Search*","sso-directory:Describe*","sso-directory:List*","sso-directory:Get*","identitystore:Describe*","identitystore:List*","identitystore-auth:ListSessions","identitystore-auth:BatchGetSession"],"Resource":"*"},{"Sid":"AllowKMSKeyUseViaAWSIdentityStoreService","Effect":"Allow","Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringLike":{"kms:ViaService":"identitystore.*.amazonaws.com","kms:EncryptionContext:aws:identitystore:identitystore-arn":"*"}}}]}"#;

const SSO_DIRECTORY_ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSSSODirectoryAdministrator","Effect":"Allow","Action":["sso-directory:*","identitystore:*","identitystore-auth:*","sso:ListDirectoryAssociations"],"Resource":"*"},{"Sid":"AllowKMSKeyUseViaAWSIdentityStoreService","Effect":"Allow","Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringLike":{"kms:ViaService":"identitystore.*.amazonaws.com","kms:EncryptionContext:aws:identitystore:identitystore-arn":"*"}}}]}"#;

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::{Context, Decision, PolicyDoc, evaluate};

    fn allowed(arn: &str, action: &str) -> bool {
        let d = PolicyDoc::parse(document(arn).expect("known")).expect("parses");
        evaluate(&[&d], action, "*", &Context::new()) == Decision::Allow
    }

    #[test]
    fn sso_read_only_grants_no_identitystore_action() {
        let arn = "arn:aws:iam::aws:policy/AWSSSOReadOnly";
        assert!(allowed(arn, "sso:ListInstances"));
        assert!(!allowed(arn, "identitystore:ListUsers"));
        assert!(!allowed(arn, "identitystore:ListGroupMemberships"));
    }

    #[test]
    fn sso_directory_read_only_grants_identitystore_reads_only() {
        let arn = "arn:aws:iam::aws:policy/AWSSSODirectoryReadOnly";
        assert!(allowed(arn, "identitystore:ListUsers"));
        assert!(allowed(arn, "identitystore:DescribeGroup"));
        assert!(!allowed(arn, "identitystore:CreateUser"));
        assert!(!allowed(arn, "sso:ListInstances"));
    }

    #[test]
    fn unknown_managed_policy_is_none() {
        assert!(document("arn:aws:iam::aws:policy/Nope").is_none());
        assert!(document("arn:aws:iam::123456789012:policy/Mine").is_none());
    }
}
