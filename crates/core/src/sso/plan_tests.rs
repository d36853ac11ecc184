use proptest::prelude::*;

use super::*;

fn ps(counts: &[u64]) -> PermissionSetShape {
    PermissionSetShape {
        assignments_per_provisioned_account: counts.to_vec(),
    }
}

#[test]
fn a_small_organization_by_hand() {
    // 45 accounts; A provisioned to 2 accounts (150 and 3 assignments), B
    // to none, C to all 45 (one assignment each); one application with 250.
    let shape = OrgShape {
        accounts: 45,
        permission_sets: vec![ps(&[150, 3]), ps(&[]), ps(&[1; 45])],
        applications: vec![250],
    };
    let p = plan(&shape);
    assert_eq!(p.list_instances, 1);
    assert_eq!(p.list_permission_sets, 1);
    assert_eq!(p.describe_permission_set, 3);
    assert_eq!(p.permission_set_policies, 12);
    // A: 1 listing + 2 + 1 pages; B: 1 listing; C read account by account: 45.
    assert_eq!(p.list_accounts_for_provisioned_permission_set, 2);
    assert_eq!(p.list_account_assignments, 3 + 45);
    assert_eq!(p.every_account_permission_sets, 1);
    assert_eq!(p.list_applications, 1);
    assert_eq!(p.list_application_assignments, 3);
    assert_eq!(p.list_accounts, 3);
    assert_eq!(p.sso_calls(), 1 + 1 + 3 + 12 + 2 + 48 + 1 + 3);
    assert_eq!(p.total(), 71 + 3);
    assert!((p.floor_seconds(0.5) - 7.1).abs() < 1e-9);

    let n = naive(&shape);
    // A: 3 pages + 43 empty accounts; B: 45 empty; C: 45.
    assert_eq!(n.list_accounts_for_provisioned_permission_set, 0);
    assert_eq!(n.list_account_assignments, 46 + 45 + 45);
    assert_eq!(n.sso_calls(), 1 + 1 + 3 + 12 + 136 + 1 + 3);
    assert_eq!(
        choose(45, &shape.permission_sets[0]),
        Listing::ByProvisioning
    );
    assert_eq!(choose(45, &shape.permission_sets[2]), Listing::EveryAccount);
    assert_eq!(p.per_api().iter().map(|(_, c)| c).sum::<u64>(), p.total());
}

/// 200 accounts, 60 permission sets, 5,000 assignments: permission set `i`
/// is provisioned to `5 + 7·i mod 200` accounts (a few to nearly all),
/// assignments spread round-robin over the provisioned pairs.
fn benchmark_shape() -> OrgShape {
    let accounts = 200u64;
    let mut sets: Vec<PermissionSetShape> = (0..60u64)
        .map(|i| {
            let n = usize::try_from((5 + 7 * i) % 200 + 1).unwrap();
            ps(&vec![0; n])
        })
        .collect();
    let pairs: usize = sets
        .iter()
        .map(|s| s.assignments_per_provisioned_account.len())
        .sum();
    for k in 0..5_000usize {
        let mut idx = k % pairs;
        for s in &mut sets {
            let len = s.assignments_per_provisioned_account.len();
            if idx < len {
                s.assignments_per_provisioned_account[idx] += 1;
                break;
            }
            idx -= len;
        }
    }
    OrgShape {
        accounts,
        permission_sets: sets,
        applications: vec![10; 5],
    }
}

#[test]
fn the_benchmark_shape_needs_far_fewer_calls_than_the_naive_plan() {
    let shape = benchmark_shape();
    let total: u64 = shape
        .permission_sets
        .iter()
        .flat_map(|s| &s.assignments_per_provisioned_account)
        .sum();
    assert_eq!(total, 5_000);
    let (p, n) = (plan(&shape), naive(&shape));
    assert!(p.sso_calls() < n.sso_calls());
    assert_eq!(n.list_account_assignments, 60 * 200);
    assert!(p.list_account_assignments < n.list_account_assignments);
    // The floor at the default budget is calls / 10 per second.
    let floor = p.floor_seconds(0.5);
    #[allow(clippy::cast_precision_loss)]
    let want = p.sso_calls() as f64 / 10.0;
    assert!((floor - want).abs() < 1e-9);
    assert!(floor < n.floor_seconds(0.5));
}

proptest! {
    #[test]
    fn the_chosen_plan_never_costs_more_than_either_pure_plan(
        accounts in 1u64..60,
        sets in proptest::collection::vec(proptest::collection::vec(0u64..250, 0..60), 0..12),
    ) {
        let sets: Vec<PermissionSetShape> = sets
            .into_iter()
            .map(|mut v| { v.truncate(usize::try_from(accounts).unwrap()); ps(&v) })
            .collect();
        let shape = OrgShape { accounts, permission_sets: sets, applications: Vec::new() };
        let p = plan(&shape);
        prop_assert!(p.sso_calls() <= naive(&shape).sso_calls());
        let by_provisioning: u64 = shape.permission_sets.iter().map(|s| strategy_calls(accounts, s).0).sum();
        prop_assert!(p.list_accounts_for_provisioned_permission_set + p.list_account_assignments <= by_provisioning);
        // Every provisioned pair is read at least once.
        let pairs: u64 = shape.permission_sets.iter().map(|s| s.assignments_per_provisioned_account.len() as u64).sum();
        prop_assert!(p.list_account_assignments >= pairs);
    }
}
