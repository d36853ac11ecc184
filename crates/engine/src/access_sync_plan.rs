//! The access sync's call plan: how each permission set's assignments are
//! listed, chosen by `roster_core::sso::plan` from the organization's shape
//! as the previous access snapshot holds it (a first guess without one:
//! every set by provisioning, which never costs more than one call a set
//! over the best choice), and the report of what the organization read
//! really needed (the floor's calls) next to the naive plan.

use std::collections::{BTreeMap, HashMap};

use roster_core::sso::plan::{self, Listing};
use roster_core::sso::{AccountAssignment, OrgShape, PermissionSetArn, PermissionSetShape};
use roster_core::sync_report::AccessPlanReport;
use roster_core::{AccountId, SourceId, TenantId};
use roster_store::{Store, StoreError, StoredPermissionSet};

/// Which plan a sync follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanMode {
    /// Per permission set, the strategy with the fewest calls.
    #[default]
    Fewest,
    /// Every account × every permission set (for comparison in the benchmark).
    Naive,
}

/// The strategy of every permission set the previous snapshot knew.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChosenPlan {
    listing: HashMap<PermissionSetArn, Listing>,
    mode: PlanMode,
    /// Where each known set was provisioned: kept for sets read account by
    /// account, which do not ask AWS where they are provisioned.
    previous_provisioned: HashMap<PermissionSetArn, Vec<AccountId>>,
    pub shape_source: &'static str,
    pub planned_calls: u64,
}

impl ChosenPlan {
    /// How to list `arn`'s assignments; sets the previous snapshot did not
    /// know are read by provisioning.
    pub fn listing(&self, arn: &PermissionSetArn) -> Listing {
        match self.mode {
            PlanMode::Naive => Listing::EveryAccount,
            PlanMode::Fewest => self
                .listing
                .get(arn)
                .copied()
                .unwrap_or(Listing::ByProvisioning),
        }
    }

    pub fn previous_provisioned(&self, arn: &PermissionSetArn) -> &[AccountId] {
        self.previous_provisioned
            .get(arn)
            .map_or(&[], Vec::as_slice)
    }
}

/// The shape of an organization: its account count, each set's assignment
/// count per provisioned account, each application's assignment count.
pub(crate) fn shape_of(
    accounts: u64,
    sets: &[StoredPermissionSet],
    assignments: &[AccountAssignment],
    applications: Vec<u64>,
) -> (OrgShape, Vec<PermissionSetArn>) {
    let mut per_pair: HashMap<(&PermissionSetArn, &AccountId), u64> = HashMap::new();
    for a in assignments {
        *per_pair
            .entry((&a.permission_set_arn, &a.account_id))
            .or_default() += 1;
    }
    let arns = sets
        .iter()
        .map(|s| s.facts.permission_set.permission_set_arn.clone())
        .collect();
    let permission_sets = sets
        .iter()
        .map(|s| {
            let arn = &s.facts.permission_set.permission_set_arn;
            PermissionSetShape {
                assignments_per_provisioned_account: s
                    .provisioned_accounts
                    .iter()
                    .map(|acc| per_pair.get(&(arn, acc)).copied().unwrap_or(0))
                    .collect(),
            }
        })
        .collect();
    (
        OrgShape {
            accounts,
            permission_sets,
            applications,
        },
        arns,
    )
}

/// The plan for the next sync of `source`, from its newest access snapshot.
pub(crate) async fn choose(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    mode: PlanMode,
) -> Result<ChosenPlan, StoreError> {
    let Some(previous) = store.latest_access_snapshot(tenant, source).await? else {
        return Ok(ChosenPlan {
            mode,
            shape_source: "first-guess",
            ..ChosenPlan::default()
        });
    };
    let accounts = store.accounts(tenant, &previous).await?.len() as u64;
    let sets = store.permission_sets(tenant, &previous).await?;
    let assignments = store.account_assignments(tenant, &previous).await?;
    let apps = store
        .applications(tenant, &previous)
        .await?
        .iter()
        .map(|(_, assigned)| assigned.len() as u64)
        .collect();
    let (shape, arns) = shape_of(accounts, &sets, &assignments, apps);
    let listing = arns
        .iter()
        .zip(&shape.permission_sets)
        .map(|(arn, ps)| (arn.clone(), plan::choose(shape.accounts, ps)))
        .collect();
    let planned = match mode {
        PlanMode::Fewest => plan::plan(&shape),
        PlanMode::Naive => plan::naive(&shape),
    };
    Ok(ChosenPlan {
        listing,
        mode,
        previous_provisioned: sets
            .into_iter()
            .map(|s| {
                (
                    s.facts.permission_set.permission_set_arn,
                    s.provisioned_accounts,
                )
            })
            .collect(),
        shape_source: "previous-snapshot",
        planned_calls: planned.sso_calls(),
    })
}

/// What the chosen plan did, against the plans for the organization as read.
pub(crate) fn report(
    chosen: &ChosenPlan,
    listings: &BTreeMap<PermissionSetArn, Listing>,
    observed: &OrgShape,
) -> AccessPlanReport {
    let every = listings
        .values()
        .filter(|l| **l == Listing::EveryAccount)
        .count() as u64;
    AccessPlanReport {
        shape: chosen.shape_source.to_owned(),
        by_provisioning: listings.len() as u64 - every,
        every_account: every,
        planned_calls: chosen.planned_calls,
        fewest_calls: plan::plan(observed).sso_calls(),
        naive_calls: plan::naive(observed).sso_calls(),
    }
}
