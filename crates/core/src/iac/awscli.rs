//! The role as AWS CLI commands: write both policies to files, create the
//! role, put the inline policy, print the ARN.

use super::RoleSpec;

/// `endpoint_url` adds `--endpoint-url` (roster's demo points it at its fake AWS).
pub fn aws_cli(spec: &RoleSpec, endpoint_url: Option<&str>) -> String {
    let endpoint = endpoint_url
        .map(|u| format!(" \\\n  --endpoint-url {u}"))
        .unwrap_or_default();
    format!(
        "cat > roster-trust-policy.json <<'JSON'
{trust}
JSON

cat > roster-permissions-policy.json <<'JSON'
{permissions}
JSON

aws iam create-role{endpoint} \\
  --role-name {name} \\
  --description \"{description}\" \\
  --assume-role-policy-document file://roster-trust-policy.json \\
  --query Role.Arn --output text

aws iam put-role-policy{endpoint} \\
  --role-name {name} \\
  --policy-name {policy_name} \\
  --policy-document file://roster-permissions-policy.json
",
        trust = spec.trust.to_json(),
        permissions = spec.permissions.to_json(),
        name = spec.role_name,
        description = spec.description,
        policy_name = spec.policy_name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_pinned() {
        insta::assert_snapshot!(aws_cli(&super::super::sample(), None));
    }

    #[test]
    fn endpoint_url_goes_on_every_command() {
        let text = aws_cli(&super::super::sample(), Some("http://127.0.0.1:4566"));
        assert_eq!(
            text.matches("--endpoint-url http://127.0.0.1:4566").count(),
            2
        );
    }

    #[test]
    fn sso_commands_are_pinned() {
        insta::assert_snapshot!(aws_cli(&super::super::sample_sso(), None));
    }
}
