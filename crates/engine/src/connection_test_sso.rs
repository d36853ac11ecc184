//! The connection test's SSO steps, for a source that collects access:
//! `sso:ListPermissionSets` on the instance, `organizations:ListAccounts`,
//! and one `sso:ListAccountAssignments` probe; and the SSO diagnoses of
//! what AWS answers (a role outside the management/delegated administrator
//! account, `sso:` actions written with another prefix, an account instance,
//! a plain denial). Depends on the AWS adapter's `SsoClient` only.

use roster_aws::{AwsError, CustomerSession, SsoClient};
use roster_core::sso::PermissionSetArn;
use roster_core::{AccountId, Diagnosis, DiagnosisCode, RoleArn};
use roster_store::{DirectoryLocation, Placement};

use super::{Reporter, Step, StepStatus};
use crate::error::EngineError;
use crate::source_sync::{AwsEndpoint, diagnosis_of};

/// What an AWS answer to an SSO probe means, read from the adapter's error.
#[derive(Debug, PartialEq, Eq)]
enum Signal {
    /// The role's policies do not allow the action (AWS's message).
    Denied(String),
    /// AWS refused for a reason of the account, not of the policy:
    /// Organizations' "You don't have permissions to access this resource".
    AccountDenied(String),
    /// The instance is unknown to this account (`ResourceNotFoundException`).
    InstanceNotFound(String),
    /// The instance is an account instance (AWS refuses permission set calls).
    AccountInstance(String),
    /// The role's account is in no organization.
    NoOrganization(String),
    Other,
}

/// AWS's own words inside a diagnosis' cause: after "AWS said: " or, for
/// `aws-error`, after "failed: CODE: ".
fn aws_said(d: &Diagnosis) -> String {
    if let Some(i) = d.cause.find("(AWS said: ") {
        let rest = &d.cause[i + "(AWS said: ".len()..];
        return rest.strip_suffix(')').unwrap_or(rest).to_owned();
    }
    d.cause.clone()
}

/// (AWS error code, message) of an `aws-error` diagnosis.
fn aws_code(d: &Diagnosis) -> Option<(&str, &str)> {
    let (_, rest) = d.cause.split_once(" failed: ")?;
    rest.split_once(": ")
}

fn signal(e: &AwsError) -> Signal {
    let AwsError::Diagnosed(d) = e else {
        return Signal::Other;
    };
    match d.code {
        // Today's adapter maps AccessDenied on any sso-admin call to
        // discovery-denied; the SSO reads may get sso-access-denied.
        DiagnosisCode::DiscoveryDenied | DiagnosisCode::SsoAccessDenied => {
            Signal::Denied(aws_said(d))
        }
        DiagnosisCode::SsoWrongAccount => Signal::InstanceNotFound(aws_said(d)),
        DiagnosisCode::SsoAccountInstance => Signal::AccountInstance(aws_said(d)),
        DiagnosisCode::AwsError => match aws_code(d) {
            Some(("AccessDeniedException" | "AccessDenied", m)) => {
                if m.contains("not authorized to perform") {
                    Signal::Denied(m.to_owned())
                } else {
                    Signal::AccountDenied(m.to_owned())
                }
            }
            Some(("ResourceNotFoundException", m)) => Signal::InstanceNotFound(m.to_owned()),
            Some(("ValidationException", m))
                if m.to_ascii_lowercase().contains("account instance") =>
            {
                Signal::AccountInstance(m.to_owned())
            }
            Some(("AWSOrganizationsNotInUseException", m)) => Signal::NoOrganization(m.to_owned()),
            _ => Signal::Other,
        },
        _ => Signal::Other,
    }
}

/// For a connection that collects access, discovery's `account-instance`
/// says more as the SSO diagnosis: such an instance has no permission sets.
pub(super) fn discovery_diagnosis(d: Diagnosis) -> Diagnosis {
    if d.code != DiagnosisCode::AccountInstance {
        return d;
    }
    let arn = d.cause.split_whitespace().next().unwrap_or_default();
    Diagnosis::sso_account_instance(arn, &d.cause)
}

struct Probe<'a> {
    client: SsoClient,
    role: &'a RoleArn,
    instance_arn: String,
    endpoint: &'a AwsEndpoint,
    r: &'a Reporter<'a>,
}

impl Probe<'_> {
    fn role_account(&self) -> &str {
        self.role.account().as_str()
    }

    /// The SSO diagnosis of `e` on `action` (`sso:…` or `organizations:…`).
    fn diagnose(&self, action: &str, e: AwsError, prefix_suspect: bool) -> Diagnosis {
        match signal(&e) {
            Signal::Denied(m) if prefix_suspect => Diagnosis::sso_wrong_prefix(action, &m),
            Signal::Denied(m) => Diagnosis::sso_access_denied(action, &m),
            Signal::AccountDenied(m) | Signal::InstanceNotFound(m) => {
                Diagnosis::sso_wrong_account(self.role_account(), &m)
            }
            Signal::AccountInstance(m) | Signal::NoOrganization(m) => {
                Diagnosis::sso_account_instance(&self.instance_arn, &m)
            }
            Signal::Other => {
                let op = action.split_once(':').map_or(action, |(_, op)| op);
                diagnosis_of(op, e, self.endpoint)
            }
        }
    }

    /// Step 1: the first page of permission sets. Denied: is the SSO
    /// statement there with its `sso:` actions misspelt? `ListAccounts`
    /// (the statement's `organizations:` read) answering says it is.
    async fn permission_sets(&self) -> Result<Vec<PermissionSetArn>, EngineError> {
        let step = Step::SsoPermissionSets;
        self.r.emit(step, StepStatus::Running, "");
        match self.client.permission_sets_page(None).await {
            Ok(page) => {
                let more = if page.next_token.is_some() { "+" } else { "" };
                self.r.emit(
                    step,
                    StepStatus::Passed,
                    format!(
                        "{}{more} permission set(s) on {}",
                        page.items.len(),
                        self.instance_arn
                    ),
                );
                Ok(page.items)
            }
            Err(e) => {
                let denied = matches!(signal(&e), Signal::Denied(_));
                let statement_there = denied && self.client.accounts_page(None).await.is_ok();
                let d = self.diagnose("sso:ListPermissionSets", e, statement_there);
                Err(self.r.fail(step, &d))
            }
        }
    }

    /// Step 2: the first page of the organization's accounts.
    async fn accounts(&self) -> Result<Vec<AccountId>, EngineError> {
        let step = Step::SsoAccounts;
        self.r.emit(step, StepStatus::Running, "");
        match self.client.accounts_page(None).await {
            Ok(page) => {
                let more = if page.next_token.is_some() { "+" } else { "" };
                self.r.emit(
                    step,
                    StepStatus::Passed,
                    format!("{}{more} account(s) in the organization", page.items.len()),
                );
                Ok(page.items.into_iter().map(|a| a.id).collect())
            }
            Err(e) => {
                let d = self.diagnose("organizations:ListAccounts", e, false);
                Err(self.r.fail(step, &d))
            }
        }
    }

    /// Step 3: one `ListAccountAssignments` of the first permission set in
    /// the first account where it is provisioned (else the first account).
    async fn assignments(
        &self,
        sets: &[PermissionSetArn],
        accounts: &[AccountId],
    ) -> Result<(), EngineError> {
        let step = Step::SsoAssignments;
        self.r.emit(step, StepStatus::Running, "");
        let (Some(set), Some(first)) = (sets.first(), accounts.first()) else {
            self.r.emit(
                step,
                StepStatus::Passed,
                "nothing to probe yet: no permission set or no account",
            );
            return Ok(());
        };
        let account = match self.client.provisioned_accounts_page(set, None).await {
            Ok(page) => page
                .items
                .into_iter()
                .next()
                .unwrap_or_else(|| first.clone()),
            Err(e) => {
                let d = self.diagnose("sso:ListAccountsForProvisionedPermissionSet", e, false);
                return Err(self.r.fail(step, &d));
            }
        };
        match self
            .client
            .account_assignments_page(&account, set, None)
            .await
        {
            Ok(page) => {
                self.r.emit(
                    step,
                    StepStatus::Passed,
                    format!(
                        "{} assignment(s) of {} in account {account}",
                        page.items.len(),
                        set.as_str()
                    ),
                );
                Ok(())
            }
            Err(e) => {
                let d = self.diagnose("sso:ListAccountAssignments", e, false);
                Err(self.r.fail(step, &d))
            }
        }
    }
}

/// Runs the three SSO steps against the located instance.
pub(super) async fn probe_access(
    session: &CustomerSession,
    location: &DirectoryLocation,
    role: &RoleArn,
    endpoint: &AwsEndpoint,
    r: &Reporter<'_>,
) -> Result<(), EngineError> {
    let Some(instance_arn) = location.instance_arn.clone() else {
        r.emit(Step::SsoPermissionSets, StepStatus::Running, "");
        let d = if location.placement == Placement::Member {
            Diagnosis::sso_wrong_account(
                role.account().as_str(),
                "from this account sso:ListInstances shows no organization instance",
            )
        } else {
            Diagnosis::sso_needs_discovery("the Identity Store ID was typed in")
        };
        return Err(r.fail(Step::SsoPermissionSets, &d));
    };
    let probe = Probe {
        client: SsoClient::new(session, instance_arn.clone(), &location.region),
        role,
        instance_arn,
        endpoint,
        r,
    };
    let sets = probe.permission_sets().await?;
    let accounts = probe.accounts().await?;
    probe.assignments(&sets, &accounts).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnosed(d: Diagnosis) -> AwsError {
        AwsError::Diagnosed(d)
    }

    #[test]
    fn aws_answers_read_as_the_sso_signals() {
        let denied = "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: sso:ListPermissionSets";
        assert_eq!(
            signal(&diagnosed(Diagnosis::discovery_denied(denied))),
            Signal::Denied(denied.to_owned())
        );
        assert_eq!(
            signal(&diagnosed(Diagnosis::sso_access_denied("sso:X", denied))),
            Signal::Denied(denied.to_owned())
        );
        let org = "You don't have permissions to access this resource.";
        assert_eq!(
            signal(&diagnosed(Diagnosis::aws_error(
                "ListAccounts",
                "AccessDeniedException",
                org
            ))),
            Signal::AccountDenied(org.to_owned())
        );
        assert_eq!(
            signal(&diagnosed(Diagnosis::aws_error(
                "ListAccounts",
                "AccessDeniedException",
                denied
            ))),
            Signal::Denied(denied.to_owned())
        );
        let gone = "Instance arn:aws:sso:::instance/ssoins-1 does not exist.";
        assert_eq!(
            signal(&diagnosed(Diagnosis::aws_error(
                "ListPermissionSets",
                "ResourceNotFoundException",
                gone
            ))),
            Signal::InstanceNotFound(gone.to_owned())
        );
        let acct = "Account instances do not support permission sets or AWS account access.";
        assert_eq!(
            signal(&diagnosed(Diagnosis::aws_error(
                "ListPermissionSets",
                "ValidationException",
                acct
            ))),
            Signal::AccountInstance(acct.to_owned())
        );
        assert_eq!(
            signal(&diagnosed(Diagnosis::aws_error(
                "ListPermissionSets",
                "ValidationException",
                "MaxResults too large"
            ))),
            Signal::Other
        );
        assert_eq!(
            signal(&AwsError::Throttled {
                retry_after: None,
                message: "slow down".into()
            }),
            Signal::Other
        );
    }

    #[test]
    fn discoverys_account_instance_becomes_the_sso_diagnosis_for_access() {
        let d = Diagnosis::account_instance(
            "arn:aws:sso:::instance/ssoins-1111222233334444",
            "222233334444",
            Some("111122223333"),
        );
        let sso = discovery_diagnosis(d);
        assert_eq!(sso.code, DiagnosisCode::SsoAccountInstance);
        assert!(
            sso.cause.starts_with(
                "arn:aws:sso:::instance/ssoins-1111222233334444 is an account instance"
            )
        );
        let other = discovery_diagnosis(Diagnosis::no_instance(&["us-east-1".into()]));
        assert_eq!(other.code, DiagnosisCode::NoInstance);
    }
}
