//! Page-by-page reads of the SSO source: permission sets and their policies,
//! provisioning, account assignments (sso-admin) and the organization's
//! accounts (Organizations), as `roster_core::sso` types. Every list asks for
//! AWS's maximum page; the sync engine drives pagination, rate limits and
//! retries. The clients' guard accepts `SSO_READ_ACTIONS` and nothing more.

use aws_sdk_ssoadmin::operation::get_permissions_boundary_for_permission_set::GetPermissionsBoundaryForPermissionSetError as BoundaryError;
use aws_smithy_types::date_time::Format;
use roster_core::sso::plan::{ACCOUNTS_PAGE_SIZE, SSO_PAGE_SIZE};
use roster_core::sso::{
    Account, AccountAssignment, AccountStatus, Application, ApplicationAssignment,
    CustomerManagedPolicyRef, ManagedPolicy, PermissionSet, PermissionSetArn, PermissionsBoundary,
    PrincipalType,
};
use roster_core::{AccountId, Region};

use crate::classify::{Op, Service, classify};
use crate::directory::Page;
use crate::error::AwsError;
use crate::session::CustomerSession;

#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
const SSO_MAX: i32 = SSO_PAGE_SIZE as i32;
#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
const ACCOUNTS_MAX: i32 = ACCOUNTS_PAGE_SIZE as i32;

fn token(t: Option<&str>) -> Option<String> {
    t.filter(|t| !t.is_empty()).map(str::to_owned)
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

fn bad(what: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::Diagnosed(roster_core::Diagnosis::aws_error(
        "reading SSO access",
        "InvalidResponse",
        &format!("{what}: {e}"),
    ))
}

fn ps_arn(s: Option<&str>) -> Result<PermissionSetArn, AwsError> {
    PermissionSetArn::parse(s.unwrap_or_default()).map_err(|e| bad("PermissionSetArn", e))
}

fn account_id(s: Option<&str>) -> Result<AccountId, AwsError> {
    AccountId::parse(s.unwrap_or_default()).map_err(|e| bad("AccountId", e))
}

fn principal_type(
    t: Option<&aws_sdk_ssoadmin::types::PrincipalType>,
) -> Result<PrincipalType, AwsError> {
    match t.map(aws_sdk_ssoadmin::types::PrincipalType::as_str) {
        Some("USER") => Ok(PrincipalType::User),
        Some("GROUP") => Ok(PrincipalType::Group),
        other => Err(bad("PrincipalType", other.unwrap_or("missing"))),
    }
}

fn policy_ref(
    r: &aws_sdk_ssoadmin::types::CustomerManagedPolicyReference,
) -> CustomerManagedPolicyRef {
    CustomerManagedPolicyRef {
        name: r.name().to_owned(),
        path: non_empty(r.path()),
    }
}

/// An Identity Center instance as `ListInstances` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoInstance {
    pub instance_arn: String,
    pub identity_store_id: String,
    pub status: Option<String>,
}

/// The SSO source's reads of one Identity Center instance.
#[derive(Debug, Clone)]
pub struct SsoClient {
    sso: aws_sdk_ssoadmin::Client,
    orgs: aws_sdk_organizations::Client,
    instance_arn: String,
    /// The account of the role the clients act as.
    role_account: String,
}

impl SsoClient {
    /// Clients in the instance's home `region` for the instance `instance_arn`.
    pub fn new(
        session: &CustomerSession,
        instance_arn: impl Into<String>,
        region: &Region,
    ) -> Self {
        Self {
            sso: session.sso_reader(region),
            orgs: session.organizations_reader(region),
            instance_arn: instance_arn.into(),
            role_account: session.role().account().as_str().to_owned(),
        }
    }

    /// The same clients for another instance (once `ListInstances` named it).
    #[must_use]
    pub fn with_instance(&self, instance_arn: impl Into<String>) -> Self {
        Self {
            instance_arn: instance_arn.into(),
            ..self.clone()
        }
    }

    pub fn role_account(&self) -> &str {
        &self.role_account
    }

    pub fn instance_arn(&self) -> &str {
        &self.instance_arn
    }

    fn op(name: &'static str, service: Service) -> Op<'static> {
        Op {
            name,
            service,
            store: None,
        }
    }

    fn sso_op(name: &'static str) -> Op<'static> {
        Self::op(name, Service::SsoAdmin)
    }

    /// One page of `ListInstances` (the instances this role can see), as
    /// (instance ARN, Identity Store ID, `Status`): the access sync checks
    /// its instance is among them before reading it.
    pub async fn instances_page(
        &self,
        next: Option<String>,
    ) -> Result<Page<SsoInstance>, AwsError> {
        let out = self
            .sso
            .list_instances()
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListInstances"), e))?;
        let items = out
            .instances()
            .iter()
            .map(|i| SsoInstance {
                instance_arn: i.instance_arn().unwrap_or_default().to_owned(),
                identity_store_id: i.identity_store_id().unwrap_or_default().to_owned(),
                status: i.status().map(|s| s.as_str().to_owned()),
            })
            .collect();
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn permission_sets_page(
        &self,
        next: Option<String>,
    ) -> Result<Page<PermissionSetArn>, AwsError> {
        let out = self
            .sso
            .list_permission_sets()
            .instance_arn(&self.instance_arn)
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListPermissionSets"), e))?;
        let items = out
            .permission_sets()
            .iter()
            .map(|a| ps_arn(Some(a)))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn describe_permission_set(
        &self,
        arn: &PermissionSetArn,
    ) -> Result<PermissionSet, AwsError> {
        let out = self
            .sso
            .describe_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("DescribePermissionSet"), e))?;
        let ps = out
            .permission_set()
            .ok_or_else(|| bad("DescribePermissionSet", "no PermissionSet"))?;
        let mut set = PermissionSet::new(
            ps_arn(ps.permission_set_arn().or(Some(arn.as_str())))?,
            ps.name().unwrap_or_default(),
        );
        set.description = non_empty(ps.description());
        set.session_duration = non_empty(ps.session_duration());
        set.relay_state = non_empty(ps.relay_state());
        set.created_date = ps.created_date().and_then(|d| d.fmt(Format::DateTime).ok());
        Ok(set)
    }

    pub async fn managed_policies_page(
        &self,
        arn: &PermissionSetArn,
        next: Option<String>,
    ) -> Result<Page<ManagedPolicy>, AwsError> {
        let out = self
            .sso
            .list_managed_policies_in_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListManagedPoliciesInPermissionSet"), e))?;
        let items = out
            .attached_managed_policies()
            .iter()
            .map(|p| ManagedPolicy {
                arn: p.arn().unwrap_or_default().to_owned(),
                name: p.name().unwrap_or_default().to_owned(),
            })
            .collect();
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn customer_policy_refs_page(
        &self,
        arn: &PermissionSetArn,
        next: Option<String>,
    ) -> Result<Page<CustomerManagedPolicyRef>, AwsError> {
        let out = self
            .sso
            .list_customer_managed_policy_references_in_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| {
                classify(
                    Self::sso_op("ListCustomerManagedPolicyReferencesInPermissionSet"),
                    e,
                )
            })?;
        let items = out
            .customer_managed_policy_references()
            .iter()
            .map(policy_ref)
            .collect();
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    /// The inline policy's JSON text as AWS returns it; `None` when there is none.
    pub async fn inline_policy(&self, arn: &PermissionSetArn) -> Result<Option<String>, AwsError> {
        let out = self
            .sso
            .get_inline_policy_for_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("GetInlinePolicyForPermissionSet"), e))?;
        Ok(non_empty(out.inline_policy()))
    }

    /// The permissions boundary; `None` when there is none (AWS answers
    /// `ResourceNotFoundException`).
    pub async fn permissions_boundary(
        &self,
        arn: &PermissionSetArn,
    ) -> Result<Option<PermissionsBoundary>, AwsError> {
        let res = self
            .sso
            .get_permissions_boundary_for_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .send()
            .await;
        let out = match res {
            Ok(out) => out,
            Err(e)
                if e.as_service_error()
                    .is_some_and(BoundaryError::is_resource_not_found_exception) =>
            {
                return Ok(None);
            }
            Err(e) => {
                return Err(classify(
                    Self::sso_op("GetPermissionsBoundaryForPermissionSet"),
                    e,
                ));
            }
        };
        Ok(out.permissions_boundary().map(|b| PermissionsBoundary {
            managed_policy_arn: non_empty(b.managed_policy_arn()),
            customer_managed_policy_reference: b
                .customer_managed_policy_reference()
                .map(policy_ref),
        }))
    }

    pub async fn provisioned_accounts_page(
        &self,
        arn: &PermissionSetArn,
        next: Option<String>,
    ) -> Result<Page<AccountId>, AwsError> {
        let out = self
            .sso
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(&self.instance_arn)
            .permission_set_arn(arn.as_str())
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListAccountsForProvisionedPermissionSet"), e))?;
        let items = out
            .account_ids()
            .iter()
            .map(|a| account_id(Some(a)))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn account_assignments_page(
        &self,
        account: &AccountId,
        arn: &PermissionSetArn,
        next: Option<String>,
    ) -> Result<Page<AccountAssignment>, AwsError> {
        let out = self
            .sso
            .list_account_assignments()
            .instance_arn(&self.instance_arn)
            .account_id(account.as_str())
            .permission_set_arn(arn.as_str())
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListAccountAssignments"), e))?;
        let mut items = Vec::with_capacity(out.account_assignments().len());
        for a in out.account_assignments() {
            let principal_type = principal_type(a.principal_type())?;
            items.push(AccountAssignment {
                account_id: account_id(a.account_id().or(Some(account.as_str())))?,
                permission_set_arn: ps_arn(a.permission_set_arn().or(Some(arn.as_str())))?,
                principal_type,
                principal_id: a.principal_id().unwrap_or_default().to_owned(),
            });
        }
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    /// One page of the organization's accounts (`organizations:ListAccounts`,
    /// at most 20 a page).
    pub async fn accounts_page(&self, next: Option<String>) -> Result<Page<Account>, AwsError> {
        let out = self
            .orgs
            .list_accounts()
            .max_results(ACCOUNTS_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::op("ListAccounts", Service::Organizations), e))?;
        let mut items = Vec::with_capacity(out.accounts().len());
        for a in out.accounts() {
            let status = a.status().map(|s| match s.as_str() {
                "ACTIVE" => AccountStatus::Active,
                "SUSPENDED" => AccountStatus::Suspended,
                "PENDING_CLOSURE" => AccountStatus::PendingClosure,
                other => AccountStatus::Other(other.to_owned()),
            });
            items.push(Account {
                id: account_id(a.id())?,
                name: non_empty(a.name()),
                email: non_empty(a.email()),
                status,
            });
        }
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    /// One page of the instance's applications (`ListApplications`; AWS
    /// answers at most 50 a page whatever `MaxResults` asks).
    pub async fn applications_page(
        &self,
        next: Option<String>,
    ) -> Result<Page<Application>, AwsError> {
        let out = self
            .sso
            .list_applications()
            .instance_arn(&self.instance_arn)
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListApplications"), e))?;
        let mut items = Vec::with_capacity(out.applications().len());
        for a in out.applications() {
            items.push(Application {
                application_arn: a.application_arn().unwrap_or_default().to_owned(),
                name: non_empty(a.name()),
                application_provider_arn: non_empty(a.application_provider_arn()),
                application_account: a
                    .application_account()
                    .filter(|s| !s.is_empty())
                    .map(|s| account_id(Some(s)))
                    .transpose()?,
                status: a.status().map(|s| s.as_str().to_owned()),
                description: non_empty(a.description()),
                created_date: a.created_date().and_then(|d| d.fmt(Format::DateTime).ok()),
            });
        }
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn application_assignments_page(
        &self,
        application_arn: &str,
        next: Option<String>,
    ) -> Result<Page<ApplicationAssignment>, AwsError> {
        let out = self
            .sso
            .list_application_assignments()
            .application_arn(application_arn)
            .max_results(SSO_MAX)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(Self::sso_op("ListApplicationAssignments"), e))?;
        let items = out
            .application_assignments()
            .iter()
            .map(|a| {
                Ok(ApplicationAssignment {
                    application_arn: a.application_arn().to_owned(),
                    principal_type: principal_type(Some(a.principal_type()))?,
                    principal_id: a.principal_id().to_owned(),
                })
            })
            .collect::<Result<_, AwsError>>()?;
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }
}
