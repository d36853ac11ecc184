//! Reading the `sso:` side of an organization: every page of every list the
//! plan calls, as small work items (one page or one permission set's
//! description and policies) that a pool of workers takes from one queue.
//! A page that has a next page queues it; a permission-set page queues its
//! sets' reads. Every `sso:` call waits on one collective limiter,
//! `organizations:ListAccounts` on its own.
//!
//! Permission sets and applications deleted while they are read
//! (`AwsError::Vanished`) are left out of the snapshot and named in the
//! sync's report. A permission set is handed on (`CompletedSet`) only once
//! every read of it is done, so one that vanishes half-read leaves nothing
//! behind, and the rest is staged and expanded while reading goes on.
//! Memory: the organization's objects (accounts, sets, assignments:
//! bounded by the organization's size, not the directory's).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use roster_aws::{AwsError, Page, SsoClient};
use roster_core::sso::plan::Listing;
use roster_core::sso::{
    Account, AccountAssignment, Application, ApplicationAssignment, PermissionSetArn,
    PermissionSetFacts, privileged,
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
pub(crate) enum Work {
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
pub(crate) struct SetParts {
    pub(crate) facts: Option<PermissionSetFacts>,
    pub(crate) provisioned: Vec<AccountId>,
    pub(crate) assignments: Vec<AccountAssignment>,
    /// Work items of this set queued or running (and a hold while it
    /// waits for the account list): at zero the set is read completely.
    pub(crate) open: usize,
    pub(crate) complete: bool,
}

/// A permission set read completely, with its assignments: final (nothing
/// more is read of it, so it can no longer vanish from this read), ready to
/// be staged and expanded while the rest is still read.
#[derive(Debug)]
pub(crate) struct CompletedSet {
    pub set: StoredPermissionSet,
    pub assignments: Vec<AccountAssignment>,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) accounts: Vec<Account>,
    pub(crate) accounts_done: bool,
    /// Sets read account by account, waiting for the account list.
    pub(crate) waiting: Vec<PermissionSetArn>,
    pub(crate) sets: HashMap<PermissionSetArn, SetParts>,
    pub(crate) listings: BTreeMap<PermissionSetArn, Listing>,
    /// Sets read completely, handed on.
    pub(crate) completed: Vec<StoredPermissionSet>,
    pub(crate) applications: Vec<Application>,
    pub(crate) application_assignments: Vec<ApplicationAssignment>,
    pub(crate) vanished_sets: HashSet<PermissionSetArn>,
    pub(crate) vanished_apps: HashSet<String>,
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
    /// Where completed sets go (closed when the read ends).
    completed_tx: std::sync::Mutex<Option<mpsc::UnboundedSender<CompletedSet>>>,
}

/// The permission set a work item reads, if any.
fn set_of(work: &Work) -> Option<&PermissionSetArn> {
    match work {
        Work::Facts(arn) | Work::Provisioned(arn, _) | Work::Assignments(_, arn, _) => Some(arn),
        _ => None,
    }
}

pub(crate) fn lane(token: Option<&String>) -> Lane {
    if token.is_some() {
        Lane::Continuation
    } else {
        Lane::Start
    }
}

/// The next token, refusing one AWS repeats (an endless read).
pub(crate) fn next_token(
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
        completed: mpsc::UnboundedSender<CompletedSet>,
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
            completed_tx: std::sync::Mutex::new(Some(completed)),
        }
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn push(&self, work: Work) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if let Some(arn) = set_of(&work) {
            self.state().sets.entry(arn.clone()).or_default().open += 1;
        }
        let tx = self
            .queue_tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = tx.as_ref() {
            // The receiver lives as long as the reader.
            let _ = tx.send(work);
        }
    }

    /// One item (or hold) of `arn` done: at the last, the set is complete
    /// and handed on, unless it vanished.
    pub(crate) fn close_one(&self, arn: &PermissionSetArn) {
        let completed = {
            let mut st = self.state();
            let Some(parts) = st.sets.get_mut(arn) else {
                return;
            };
            parts.open = parts.open.saturating_sub(1);
            if parts.open > 0 || parts.complete {
                return;
            }
            parts.complete = true;
            if st.vanished_sets.contains(arn) {
                return;
            }
            self.complete(&mut st, arn)
        };
        let Some(done) = completed else { return };
        let tx = self
            .completed_tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = tx.as_ref() {
            // A writer that stopped reports its own error.
            let _ = tx.send(done);
        }
    }

    /// A set read completely; sets read account by account keep the
    /// previous snapshot's provisioning plus every account where they were
    /// found assigned.
    fn complete(&self, st: &mut State, arn: &PermissionSetArn) -> Option<CompletedSet> {
        let every_account = st.listings.get(arn) == Some(&Listing::EveryAccount);
        let known: HashSet<&AccountId> = st.accounts.iter().map(|a| &a.id).collect();
        let parts = st.sets.get(arn)?;
        let facts = parts.facts.clone()?;
        let mut provisioned = parts.provisioned.clone();
        if every_account {
            provisioned.extend(
                self.plan
                    .previous_provisioned(arn)
                    .iter()
                    .filter(|a| known.contains(a))
                    .cloned(),
            );
            provisioned.extend(parts.assignments.iter().map(|a| a.account_id.clone()));
        }
        provisioned.sort();
        provisioned.dedup();
        let privileged =
            !privileged::privileges(&facts.permission_set, &facts.policies, &self.patterns)
                .is_empty();
        let set = StoredPermissionSet {
            facts,
            privileged,
            provisioned_accounts: provisioned,
        };
        let assignments = parts.assignments.clone();
        st.completed.push(set.clone());
        Some(CompletedSet { set, assignments })
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
            self.completed_tx
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            return Err(error);
        }
        self.completed_tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        Ok(self.finish())
    }

    async fn worker(self: Arc<Self>) -> Result<(), Diagnosis> {
        loop {
            let Some(work) = self.queue_rx.lock().await.recv().await else {
                return Ok(());
            };
            let arn = set_of(&work).cloned();
            let result = self.run(work).await;
            if let Some(arn) = arn {
                self.close_one(&arn);
            }
            self.done();
            result?;
        }
    }

    /// One call behind the right limiter, with retries; a vanished object
    /// comes back as `Ok(Err(Vanished))`.
    pub(crate) async fn call<T, F, Fut>(
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
    pub(crate) async fn page<T, F, Fut>(
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

    pub(crate) fn record_vanished(&self, mut v: Vanished) {
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
    pub(crate) fn set_vanished(&self, arn: &PermissionSetArn, mut v: Vanished) {
        arn.as_str().clone_into(&mut v.resource_id);
        "PERMISSION_SET".clone_into(&mut v.resource_type);
        self.record_vanished(v);
    }

    pub(crate) fn is_vanished(&self, arn: &PermissionSetArn) -> bool {
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

    /// What was read, vanished sets and applications left out (sets were
    /// handed on as they completed; here for the plan's report).
    fn finish(&self) -> OrgRead {
        let mut st = std::mem::take(&mut *self.state());
        let gone = std::mem::take(&mut st.vanished_sets);
        let gone_apps = std::mem::take(&mut st.vanished_apps);
        let mut permission_sets = std::mem::take(&mut st.completed);
        let assignments = permission_sets
            .iter()
            .filter_map(|p| st.sets.get(&p.facts.permission_set.permission_set_arn))
            .flat_map(|parts| parts.assignments.iter().cloned())
            .collect();
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
            assignments,
            applications: st.applications,
            application_assignments: st.application_assignments,
            listings,
        }
    }
}
