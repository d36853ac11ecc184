//! The role as Terraform (HCL, AWS provider), policies as JSON heredocs.

use super::{RoleSpec, indent};

pub fn terraform(spec: &RoleSpec) -> String {
    format!(
        "# {description}.
resource \"aws_iam_role\" \"roster_identity_store\" {{
  name                 = \"{name}\"
  description          = \"{description}\"
  max_session_duration = 3600
  assume_role_policy   = <<-EOT
{trust}
  EOT
}}

resource \"aws_iam_role_policy\" \"roster_identity_store_read\" {{
  name   = \"{policy_name}\"
  role   = aws_iam_role.roster_identity_store.id
  policy = <<-EOT
{permissions}
  EOT
}}

output \"roster_role_arn\" {{
  description = \"Paste this ARN into roster's wizard\"
  value       = aws_iam_role.roster_identity_store.arn
}}
",
        name = spec.role_name,
        description = spec.description,
        policy_name = spec.policy_name,
        trust = indent(&spec.trust.to_json(), 4),
        permissions = indent(&spec.permissions.to_json(), 4),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_is_pinned() {
        insta::assert_snapshot!(terraform(&super::super::sample()));
    }

    #[test]
    fn sso_configuration_is_pinned() {
        insta::assert_snapshot!(terraform(&super::super::sample_sso()));
    }
}
