//! Reading the `sso:` side of an organization: every page of every list the
//! plan calls, as small work items (one page or one permission set's
//! description and policies) that a pool of workers takes from one queue.
//! A page that has a next page queues it; a permission-set page queues its
//! sets' reads. Every `sso:` call waits on one collective limiter,
//! `organizations:ListAccounts` on its own.
//!
//! Permission sets and applications deleted while they are read
//! (`AwsError::Vanished`) are left out of the snapshot and named in the
//! sync's report. What is read is kept until the read ends (accounts,
//! permission sets, assignments, applications: bounded by the
//! organization's size, not the directory's) so a set that vanishes
//! half-read leaves nothing behind.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use roster_aws::{AwsError, Page, SsoClient};
use roster_core::sso::plan::Listing;
use roster_core::sso::{
    Account, AccountAssignment, Application, ApplicationAssignment, PermissionSetArn,
    PermissionSetFacts, PermissionSetPolicies, privileged,
};
use roster_core::sync_report::Vanished;
use roster_core::{AccountId, Diagnosis};
use roster_store::StoredPermissionSet;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;

use crate::access_sync::collective;
use crate::access_sync_plan::ChosenPlan;
use crate::access_sync_progress::{AccessProgress, SsoApi};
use crate::limiter::{ApiLimiters, Lane, RateLimiter};
use crate::retry::{RetryPolicy, retry_call};

/// One unit of reading: a page (with its token) or one permission set's facts.
#[derive(Debug)]
enum Work {
    Accounts(Option<String>),
    PermissionSets(Option<String>),
    Facts(PermissionSetArn),
    Provisioned(PermissionSetArn, Option<String>),
    Assignments(AccountId, PermissionSetArn, Option<String>),
    Applications(Option<String>),
    ApplicationAssignments(String, Option<String>),
}

/// What the read found (vanished sets and applications left out).
#[derive(Debug, Default)]
pub(crate) struct OrgRead {
    pub accounts: Vec<Account>,
    pub permission_sets: Vec<StoredPermissionSet>,
    pub assignments: Vec<AccountAssignment>,
    pub applications: Vec<Application>,
    pub application_assignments: Vec<ApplicationAssignment>,
    /// How each permission set's assignments were listed.
    pub listings: BTreeMap<PermissionSetArn, Listing>,
}

#[derive(Debug, Default)]
struct SetParts {
    facts: Option<PermissionSetFacts>,
    provisioned: Vec<AccountId>,
}

#[derive(Debug, Default)]
struct State {
    accounts: Vec<Account>,
    accounts_done: bool,
    /// Sets read account by account, waiting for the account list.
    waiting: Vec<PermissionSetArn>,
    sets: HashMap<PermissionSetArn, SetParts>,
    listings: BTreeMap<PermissionSetArn, Listing>,
    assignments: Vec<AccountAssignment>,
    applications: Vec<Application>,
    application_assignments: Vec<ApplicationAssignment>,
    vanished_sets: HashSet<PermissionSetArn>,
    vanished_apps: HashSet<String>,
}

pub(crate) struct Reader {
    pub client: SsoClient,
    /// The collective `sso:` limiter (one bucket).
    pub sso: Arc<ApiLimiters>,
    /// `organizations:`' own limiter.
    pub orgs: Arc<RateLimiter>,
    pub policy: RetryPolicy,
    pub progress: Arc<AccessProgress>,
    pub plan: Arc<ChosenPlan>,
    pub patterns: Vec<String>,
    state: std::sync::Mutex<State>,
    queue_tx: std::sync::Mutex<Option<mpsc::UnboundedSender<Work>>>,
    queue_rx: Mutex<mpsc::UnboundedReceiver<Work>>,
    pending: AtomicUsize,
}

fn lane(token: Option<&String>) -> Lane {
    if token.is_some() {
        Lane::Continuation
    } else {
        Lane::Start
    }
}

/// The next token, refusing one AWS repeats (an endless read).
fn next_token(
    api: SsoApi,
    current: Option<&String>,
    next: Option<String>,
) -> Result<Option<String>, Diagnosis> {
    match next {
        Some(t) if Some(&t) == current => Err(Diagnosis::aws_error(
            api.operation(),
            "PaginationLoop",
            "AWS returned the same NextToken twice; stopping to avoid an endless read",
        )),
        other => Ok(other),
    }
}

/// An access denial of an SSO read, named as the action it was: the
/// generic classifier words an `sso:` denial as discovery's.
fn denied(api: SsoApi, d: Diagnosis) -> Diagnosis {
    let is_denial = d.code == roster_core::DiagnosisCode::DiscoveryDenied
        || (d.code == roster_core::DiagnosisCode::AwsError && d.cause.contains("AccessDenied"));
    if !is_denial {
        return d;
    }
    let prefix = if api.is_sso() { "sso" } else { "organizations" };
    Diagnosis::sso_access_denied(&format!("{prefix}:{}", api.operation()), &d.cause)
}

impl Reader {
    pub fn new(
        client: SsoClient,
        (sso, orgs): (Arc<ApiLimiters>, Arc<RateLimiter>),
        policy: RetryPolicy,
        progress: Arc<AccessProgress>,
        plan: Arc<ChosenPlan>,
        patterns: Vec<String>,
    ) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            client,
            sso,
            orgs,
            policy,
            progress,
            plan,
            patterns,
            state: std::sync::Mutex::default(),
            queue_tx: std::sync::Mutex::new(Some(tx)),
            queue_rx: Mutex::new(rx),
            pending: AtomicUsize::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, work: Work) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        let tx = self
            .queue_tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = tx.as_ref() {
            // The receiver lives as long as the reader.
            let _ = tx.send(work);
        }
    }

    /// One item done: the last one closes the queue, ending every worker.
    fn done(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.queue_tx
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
        }
    }

    /// Reads the whole organization with `workers` concurrent workers.
    pub async fn read(self: Arc<Self>, workers: usize) -> Result<OrgRead, Diagnosis> {
        self.push(Work::Accounts(None));
        self.push(Work::PermissionSets(None));
        self.push(Work::Applications(None));
        let mut tasks = JoinSet::new();
        for _ in 0..workers.max(1) {
            tasks.spawn(self.clone().worker());
        }
        while let Some(joined) = tasks.join_next().await {
            let error = match joined {
                Ok(Ok(())) => continue,
                Err(e) if e.is_cancelled() => continue,
                Ok(Err(d)) => d,
                Err(e) => Diagnosis::aws_error("sync", "TaskFailed", &e.to_string()),
            };
            tasks.abort_all();
            return Err(error);
        }
        Ok(self.finish())
    }

    async fn worker(self: Arc<Self>) -> Result<(), Diagnosis> {
        loop {
            let Some(work) = self.queue_rx.lock().await.recv().await else {
                return Ok(());
            };
            let result = self.run(work).await;
            self.done();
            result?;
        }
    }

    /// One call behind the right limiter, with retries; a vanished object
    /// comes back as `Ok(Err(Vanished))`.
    async fn call<T, F, Fut>(
        &self,
        api: SsoApi,
        lane: Lane,
        fetch: F,
    ) -> Result<Result<T, Vanished>, Diagnosis>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let limiter = if api.is_sso() {
            collective(&self.sso)
        } else {
            &self.orgs
        };
        let count = |e| self.progress.count(api, e);
        retry_call(api.operation(), lane, limiter, &self.policy, &count, || {
            let fut = fetch();
            async move {
                match fut.await {
                    Ok(v) => Ok(Ok(v)),
                    Err(AwsError::Diagnosed(d)) => Err(AwsError::Diagnosed(denied(api, d))),
                    Err(AwsError::Vanished {
                        resource_type,
                        resource_id,
                        ..
                    }) => Ok(Err(Vanished {
                        resource_type,
                        resource_id,
                        operation: api.operation().to_owned(),
                    })),
                    Err(e) => Err(e),
                }
            }
        })
        .await
    }

    /// A page of `api`; `None` when what it lists vanished.
    async fn page<T, F, Fut>(
        &self,
        api: SsoApi,
        token: Option<&String>,
        fetch: F,
    ) -> Result<Option<Page<T>>, Diagnosis>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Page<T>, AwsError>>,
    {
        match self.call(api, lane(token), fetch).await? {
            Ok(page) => {
                self.progress.count_page(api, page.items.len());
                Ok(Some(page))
            }
            Err(v) => {
                self.record_vanished(v);
                Ok(None)
            }
        }
    }

    fn record_vanished(&self, mut v: Vanished) {
        let mut st = self.state();
        let first = if v.resource_type == "APPLICATION" {
            st.vanished_apps.insert(v.resource_id.clone())
        } else {
            match PermissionSetArn::parse(&v.resource_id) {
                Ok(arn) => st.vanished_sets.insert(arn),
                Err(_) => true,
            }
        };
        drop(st);
        if first {
            if v.resource_id.is_empty() {
                "(unnamed)".clone_into(&mut v.resource_id);
            }
            tracing::info!(resource = %v.resource_id, kind = %v.resource_type, "vanished while read");
            self.progress.record_vanished(v);
        }
    }

    /// A vanished answer for `arn` (AWS may not name it).
    fn set_vanished(&self, arn: &PermissionSetArn, mut v: Vanished) {
        arn.as_str().clone_into(&mut v.resource_id);
        "PERMISSION_SET".clone_into(&mut v.resource_type);
        self.record_vanished(v);
    }

    fn is_vanished(&self, arn: &PermissionSetArn) -> bool {
        self.state().vanished_sets.contains(arn)
    }

    async fn run(&self, work: Work) -> Result<(), Diagnosis> {
        match work {
            Work::Accounts(t) => self.accounts(t).await,
            Work::PermissionSets(t) => self.permission_sets(t).await,
            Work::Facts(arn) => self.facts(arn).await,
            Work::Provisioned(arn, t) => self.provisioned(arn, t).await,
            Work::Assignments(account, arn, t) => self.assignments(account, arn, t).await,
            Work::Applications(t) => self.applications(t).await,
            Work::ApplicationAssignments(app, t) => self.application_assignments(app, t).await,
        }
    }

    async fn accounts(&self, t: Option<String>) -> Result<(), Diagnosis> {
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
        }
        Ok(())
    }

    fn every_account(&self, arn: &PermissionSetArn, accounts: &[AccountId]) {
        for account in accounts {
            self.push(Work::Assignments(account.clone(), arn.clone(), None));
        }
    }

    async fn permission_sets(&self, t: Option<String>) -> Result<(), Diagnosis> {
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
                st.sets.entry(arn.clone()).or_default();
                st.listings.insert(arn.clone(), listing);
                match listing {
                    Listing::ByProvisioning => None,
                    Listing::EveryAccount if st.accounts_done => {
                        Some(st.accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>())
                    }
                    Listing::EveryAccount => {
                        st.waiting.push(arn.clone());
                        None
                    }
                }
            };
            self.push(Work::Facts(arn.clone()));
            match (listing, ready) {
                (Listing::ByProvisioning, _) => self.push(Work::Provisioned(arn, None)),
                (Listing::EveryAccount, Some(accounts)) => self.every_account(&arn, &accounts),
                (Listing::EveryAccount, None) => {}
            }
        }
        Ok(())
    }

    /// Every page of one policy list of `arn`; `None` when the set vanished.
    async fn all_pages<T, F, Fut>(
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
    async fn single<T, F, Fut>(
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
    async fn facts(&self, arn: PermissionSetArn) -> Result<(), Diagnosis> {
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

    async fn provisioned(&self, arn: PermissionSetArn, t: Option<String>) -> Result<(), Diagnosis> {
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

    async fn assignments(
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
            self.push(Work::Assignments(account, arn, Some(next)));
        }
        self.state().assignments.extend(page.items);
        Ok(())
    }

    async fn applications(&self, t: Option<String>) -> Result<(), Diagnosis> {
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

    async fn application_assignments(
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

    /// What was read, vanished sets and applications left out; sets read
    /// account by account keep the previous snapshot's provisioning plus
    /// every account where they were found assigned.
    fn finish(&self) -> OrgRead {
        let mut st = std::mem::take(&mut *self.state());
        let gone = std::mem::take(&mut st.vanished_sets);
        let gone_apps = std::mem::take(&mut st.vanished_apps);
        st.assignments
            .retain(|a| !gone.contains(&a.permission_set_arn));
        let known: HashSet<&AccountId> = st.accounts.iter().map(|a| &a.id).collect();
        let mut assigned: HashMap<&PermissionSetArn, HashSet<&AccountId>> = HashMap::new();
        for a in &st.assignments {
            assigned
                .entry(&a.permission_set_arn)
                .or_default()
                .insert(&a.account_id);
        }
        let mut permission_sets = Vec::new();
        for (arn, parts) in &st.sets {
            let Some(facts) = parts.facts.clone() else {
                continue;
            };
            if gone.contains(arn) {
                continue;
            }
            let mut provisioned = parts.provisioned.clone();
            if st.listings.get(arn) == Some(&Listing::EveryAccount) {
                provisioned.extend(
                    self.plan
                        .previous_provisioned(arn)
                        .iter()
                        .filter(|a| known.contains(a))
                        .cloned(),
                );
                provisioned.extend(
                    assigned
                        .get(arn)
                        .into_iter()
                        .flatten()
                        .map(|a| (*a).clone()),
                );
            }
            provisioned.sort();
            provisioned.dedup();
            let privileged =
                !privileged::privileges(&facts.permission_set, &facts.policies, &self.patterns)
                    .is_empty();
            permission_sets.push(StoredPermissionSet {
                facts,
                privileged,
                provisioned_accounts: provisioned,
            });
        }
        permission_sets.sort_by(|a, b| {
            a.facts
                .permission_set
                .permission_set_arn
                .cmp(&b.facts.permission_set.permission_set_arn)
        });
        let mut listings = std::mem::take(&mut st.listings);
        listings.retain(|arn, _| !gone.contains(arn));
        st.applications
            .retain(|a| !gone_apps.contains(&a.application_arn));
        st.application_assignments
            .retain(|a| !gone_apps.contains(&a.application_arn));
        OrgRead {
            accounts: st.accounts,
            permission_sets,
            assignments: st.assignments,
            applications: st.applications,
            application_assignments: st.application_assignments,
            listings,
        }
    }
}
