//! The reads of an access sync's work items, one method each: a page of
//! accounts, permission sets, provisioned accounts, assignments,
//! applications or application assignments, and one permission set's
//! description with its four policy reads. Each queues what it found to
//! read next (`access_sync_read` runs the queue).

use roster_aws::{AwsError, Page};
use roster_core::sso::plan::Listing;
use roster_core::sso::{PermissionSetArn, PermissionSetFacts, PermissionSetPolicies};
use roster_core::{AccountId, Diagnosis};

use crate::access_sync_progress::SsoApi;
use crate::access_sync_read::{Reader, Work, lane, next_token};
use crate::limiter::Lane;

impl Reader {
    pub(crate) async fn accounts(&self, t: Option<String>) -> Result<(), Diagnosis> {
        let api = SsoApi::ListAccounts;
        let Some(page) = self
            .page(api, t.as_ref(), || self.client.accounts_page(t.clone()))
            .await?
        else {
            return Ok(());
        };
        let next = next_token(api, t.as_ref(), page.next_token)?;
        let mut st = self.state();
        st.accounts.extend(page.items);
        if let Some(next) = next {
            drop(st);
            self.push(Work::Accounts(Some(next)));
            return Ok(());
        }
        st.accounts_done = true;
        let waiting = std::mem::take(&mut st.waiting);
        let accounts: Vec<AccountId> = st.accounts.iter().map(|a| a.id.clone()).collect();
        drop(st);
        for arn in waiting {
            self.every_account(&arn, &accounts);
            self.close_one(&arn);
        }
        Ok(())
    }

    pub(crate) fn every_account(&self, arn: &PermissionSetArn, accounts: &[AccountId]) {
        for account in accounts {
            self.push(Work::Assignments(account.clone(), arn.clone(), None));
        }
    }

    pub(crate) async fn permission_sets(&self, t: Option<String>) -> Result<(), Diagnosis> {
        let api = SsoApi::ListPermissionSets;
        let Some(page) = self
            .page(api, t.as_ref(), || {
                self.client.permission_sets_page(t.clone())
            })
            .await?
        else {
            return Ok(());
        };
        if let Some(next) = next_token(api, t.as_ref(), page.next_token)? {
            self.push(Work::PermissionSets(Some(next)));
        }
        for arn in page.items {
            let listing = self.plan.listing(&arn);
            let ready = {
                let mut st = self.state();
                // Held open while its first reads are queued, so a quick
                // one cannot complete it before the others are.
                st.sets.entry(arn.clone()).or_default().open += 1;
                st.listings.insert(arn.clone(), listing);
                match listing {
                    Listing::ByProvisioning => None,
                    Listing::EveryAccount if st.accounts_done => {
                        Some(st.accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>())
                    }
                    Listing::EveryAccount => {
                        // Held open until the account list releases it.
                        st.waiting.push(arn.clone());
                        st.sets.entry(arn.clone()).or_default().open += 1;
                        None
                    }
                }
            };
            self.push(Work::Facts(arn.clone()));
            match (listing, ready) {
                (Listing::ByProvisioning, _) => self.push(Work::Provisioned(arn.clone(), None)),
                (Listing::EveryAccount, Some(accounts)) => self.every_account(&arn, &accounts),
                (Listing::EveryAccount, None) => {}
            }
            self.close_one(&arn);
        }
        Ok(())
    }

    /// Every page of one policy list of `arn`; `None` when the set vanished.
    pub(crate) async fn all_pages<T, F, Fut>(
        &self,
        api: SsoApi,
        arn: &PermissionSetArn,
        fetch: F,
    ) -> Result<Option<Vec<T>>, Diagnosis>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<Page<T>, AwsError>>,
    {
        let (mut items, mut token) = (Vec::new(), None::<String>);
        loop {
            let current = token.clone();
            match self
                .call(api, lane(current.as_ref()), || fetch(current.clone()))
                .await?
            {
                Ok(page) => {
                    self.progress.count_page(api, page.items.len());
                    items.extend(page.items);
                    token = next_token(api, current.as_ref(), page.next_token)?;
                    if token.is_none() {
                        return Ok(Some(items));
                    }
                }
                Err(v) => {
                    self.set_vanished(arn, v);
                    return Ok(None);
                }
            }
        }
    }

    /// One call about `arn` that is not a list; `None` when the set vanished.
    pub(crate) async fn single<T, F, Fut>(
        &self,
        api: SsoApi,
        arn: &PermissionSetArn,
        fetch: F,
    ) -> Result<Option<T>, Diagnosis>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        match self.call(api, Lane::Start, fetch).await? {
            Ok(v) => {
                self.progress.count_page(api, 1);
                Ok(Some(v))
            }
            Err(v) => {
                self.set_vanished(arn, v);
                Ok(None)
            }
        }
    }

    /// `DescribePermissionSet` and the four policy reads.
    pub(crate) async fn facts(&self, arn: PermissionSetArn) -> Result<(), Diagnosis> {
        let c = &self.client;
        let Some(permission_set) = self
            .single(SsoApi::DescribePermissionSet, &arn, || {
                c.describe_permission_set(&arn)
            })
            .await?
        else {
            return Ok(());
        };
        let Some(managed_policies) = self
            .all_pages(SsoApi::ListManagedPoliciesInPermissionSet, &arn, |t| {
                c.managed_policies_page(&arn, t)
            })
            .await?
        else {
            return Ok(());
        };
        let Some(customer_managed_policy_references) = self
            .all_pages(
                SsoApi::ListCustomerManagedPolicyReferencesInPermissionSet,
                &arn,
                |t| c.customer_policy_refs_page(&arn, t),
            )
            .await?
        else {
            return Ok(());
        };
        let Some(inline_policy) = self
            .single(SsoApi::GetInlinePolicyForPermissionSet, &arn, || {
                c.inline_policy(&arn)
            })
            .await?
        else {
            return Ok(());
        };
        let Some(permissions_boundary) = self
            .single(SsoApi::GetPermissionsBoundaryForPermissionSet, &arn, || {
                c.permissions_boundary(&arn)
            })
            .await?
        else {
            return Ok(());
        };
        let facts = PermissionSetFacts {
            permission_set,
            policies: PermissionSetPolicies {
                managed_policies,
                customer_managed_policy_references,
                inline_policy,
                permissions_boundary,
            },
        };
        self.state().sets.entry(arn).or_default().facts = Some(facts);
        Ok(())
    }

    pub(crate) async fn provisioned(
        &self,
        arn: PermissionSetArn,
        t: Option<String>,
    ) -> Result<(), Diagnosis> {
        if self.is_vanished(&arn) {
            return Ok(());
        }
        let api = SsoApi::ListAccountsForProvisionedPermissionSet;
        let page = match self
            .call(api, lane(t.as_ref()), || {
                self.client.provisioned_accounts_page(&arn, t.clone())
            })
            .await?
        {
            Ok(page) => page,
            Err(v) => {
                self.set_vanished(&arn, v);
                return Ok(());
            }
        };
        self.progress.count_page(api, page.items.len());
        if let Some(next) = next_token(api, t.as_ref(), page.next_token)? {
            self.push(Work::Provisioned(arn.clone(), Some(next)));
        }
        self.state()
            .sets
            .entry(arn.clone())
            .or_default()
            .provisioned
            .extend(page.items.iter().cloned());
        for account in page.items {
            self.push(Work::Assignments(account, arn.clone(), None));
        }
        Ok(())
    }

    pub(crate) async fn assignments(
        &self,
        account: AccountId,
        arn: PermissionSetArn,
        t: Option<String>,
    ) -> Result<(), Diagnosis> {
        if self.is_vanished(&arn) {
            return Ok(());
        }
        let api = SsoApi::ListAccountAssignments;
        let page = match self
            .call(api, lane(t.as_ref()), || {
                self.client
                    .account_assignments_page(&account, &arn, t.clone())
            })
            .await?
        {
            Ok(page) => page,
            Err(v) => {
                self.set_vanished(&arn, v);
                return Ok(());
            }
        };
        self.progress.count_page(api, page.items.len());
        if let Some(next) = next_token(api, t.as_ref(), page.next_token)? {
            self.push(Work::Assignments(account, arn.clone(), Some(next)));
        }
        self.state()
            .sets
            .entry(arn)
            .or_default()
            .assignments
            .extend(page.items);
        Ok(())
    }

    pub(crate) async fn applications(&self, t: Option<String>) -> Result<(), Diagnosis> {
        let api = SsoApi::ListApplications;
        let Some(page) = self
            .page(api, t.as_ref(), || self.client.applications_page(t.clone()))
            .await?
        else {
            return Ok(());
        };
        if let Some(next) = next_token(api, t.as_ref(), page.next_token)? {
            self.push(Work::Applications(Some(next)));
        }
        for app in &page.items {
            self.push(Work::ApplicationAssignments(
                app.application_arn.clone(),
                None,
            ));
        }
        self.state().applications.extend(page.items);
        Ok(())
    }

    pub(crate) async fn application_assignments(
        &self,
        app: String,
        t: Option<String>,
    ) -> Result<(), Diagnosis> {
        let api = SsoApi::ListApplicationAssignments;
        let page = match self
            .call(api, lane(t.as_ref()), || {
                self.client.application_assignments_page(&app, t.clone())
            })
            .await?
        {
            Ok(page) => page,
            Err(mut v) => {
                v.resource_id.clone_from(&app);
                "APPLICATION".clone_into(&mut v.resource_type);
                self.record_vanished(v);
                return Ok(());
            }
        };
        self.progress.count_page(api, page.items.len());
        if let Some(next) = next_token(api, t.as_ref(), page.next_token)? {
            self.push(Work::ApplicationAssignments(app, Some(next)));
        }
        self.state().application_assignments.extend(page.items);
        Ok(())
    }
}
