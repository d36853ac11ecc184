//! The role as a `CloudFormation` template (YAML; policies as JSON flow mappings).

use super::{DESCRIPTION, INLINE_POLICY_NAME, RoleSpec, indent};

pub fn cloudformation(spec: &RoleSpec) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"
Description: {DESCRIPTION}
Resources:
  RosterIdentityStoreRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: {name}
      Description: {DESCRIPTION}
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
{trust}
      Policies:
        - PolicyName: {INLINE_POLICY_NAME}
          PolicyDocument:
{permissions}
Outputs:
  RoleArn:
    Description: Paste this ARN into roster's wizard
    Value: !GetAtt RosterIdentityStoreRole.Arn
",
        name = spec.role_name,
        trust = indent(&spec.trust.to_json(), 8),
        permissions = indent(&spec.permissions.to_json(), 12),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_pinned() {
        insta::assert_snapshot!(cloudformation(&super::super::sample()));
    }
}
