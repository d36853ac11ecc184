//! The role as a `CloudFormation` template (YAML; policies as JSON flow mappings).

use super::{RoleSpec, indent};

/// The file name the wizard offers the template under.
pub const CLOUDFORMATION_FILE_NAME: &str = "roster-role.yaml";

/// The command that deploys the template (stack named after the role). The
/// template names the role (`RoleName`), so `CloudFormation` refuses it
/// without `CAPABILITY_NAMED_IAM`.
pub fn cloudformation_deploy_command(role_name: &str) -> String {
    format!(
        "aws cloudformation deploy --template-file {CLOUDFORMATION_FILE_NAME} --stack-name {role_name} --capabilities CAPABILITY_NAMED_IAM"
    )
}

pub fn cloudformation(spec: &RoleSpec) -> String {
    format!(
        "# Deploy with:
#   {deploy}
# CAPABILITY_NAMED_IAM is required because the template names the role
# (in the console: tick \"I acknowledge that AWS CloudFormation might create
# IAM resources with custom names\").
AWSTemplateFormatVersion: \"2010-09-09\"
Description: {description}
Resources:
  RosterIdentityStoreRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: {name}
      Description: {description}
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
{trust}
      Policies:
        - PolicyName: {policy_name}
          PolicyDocument:
{permissions}
Outputs:
  RoleArn:
    Description: Paste this ARN into roster's wizard
    Value: !GetAtt RosterIdentityStoreRole.Arn
",
        name = spec.role_name,
        description = spec.description,
        policy_name = spec.policy_name,
        deploy = cloudformation_deploy_command(&spec.role_name),
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

    #[test]
    fn template_says_how_to_deploy_it_with_named_iam_capability() {
        let text = cloudformation(&super::super::sample());
        assert!(text.contains(
            "aws cloudformation deploy --template-file roster-role.yaml --stack-name roster-identity-store --capabilities CAPABILITY_NAMED_IAM"
        ));
    }

    #[test]
    fn sso_template_is_pinned() {
        insta::assert_snapshot!(cloudformation(&super::super::sample_sso()));
    }
}
