use super::*;
use crate::ids::AccountId;
use crate::sso::access::tests::{acct, arn, assign};
use crate::sso::access::{DirUser, DirectoryIndex, expand};
use crate::sso::access_diff::{AccessDiff, diff};
use crate::sso::model::{Account, PermissionSet, PermissionSetPolicies};
use crate::sso::model::{ManagedPolicy, PermissionsBoundary, PrincipalType};

fn ps(n: u32, name: &str, duration: Option<&str>) -> PermissionSetFacts {
    let mut p = PermissionSet::new(arn(n), name);
    p.session_duration = duration.map(str::to_owned);
    PermissionSetFacts {
        permission_set: p,
        policies: PermissionSetPolicies::default(),
    }
}

fn scene() -> (
    Vec<Account>,
    Vec<PermissionSetFacts>,
    DirectoryIndex,
    Vec<crate::sso::AccountAssignment>,
) {
    let accounts = vec![Account {
        id: acct(1),
        name: Some("prod".into()),
        email: None,
        status: None,
    }];
    let mut admin = ps(1, "Operators", Some("PT12H"));
    admin.policies.managed_policies.push(ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        name: "AdministratorAccess".into(),
    });
    let mut read = ps(2, "ReadOnly", None);
    read.policies.permissions_boundary = Some(PermissionsBoundary {
        managed_policy_arn: Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into()),
        customer_managed_policy_reference: None,
    });
    let mut star = ps(3, "Power", Some("PT8H"));
    star.policies.inline_policy =
        Some(r#"{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":"*"}]}"#.into());
    let bad = ps(4, "Odd", Some("eight hours"));
    let dir = DirectoryIndex::new(
        [
            DirUser {
                user_id: "u1".into(),
                user_name: Some("alice".into()),
                disabled: false,
            },
            DirUser {
                user_id: "u2".into(),
                user_name: Some("bob".into()),
                disabled: true,
            },
        ],
        [("g1".to_owned(), Some("Ops".to_owned()))],
        [
            ("g1".to_owned(), "u1".to_owned()),
            ("g1".to_owned(), "u2".to_owned()),
        ],
    );
    let assignments = vec![
        assign(1, 1, PrincipalType::Group, "g1"),
        assign(2, 2, PrincipalType::User, "u1"),
        assign(2, 3, PrincipalType::User, "ghost"),
        assign(1, 2, PrincipalType::Group, "g-ghost"),
    ];
    (accounts, vec![admin, read, star, bad], dir, assignments)
}

fn by_id<'a>(results: &'a [CheckResult], id: &str) -> &'a CheckResult {
    results.iter().find(|r| r.id == id).unwrap()
}

#[test]
fn every_check_runs_in_order_with_its_controls() {
    let (accounts, sets, dir, assignments) = scene();
    let rows: Vec<AccessRow> = expand(&dir, &assignments).collect();
    let settings = AccessCheckSettings::default();
    let input = AccessCheckInput {
        accounts: &accounts,
        permission_sets: &sets,
        settings: &settings,
        previous: None,
    };
    let results = run(&input, &rows);
    let ids: Vec<&str> = results.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        ["ACC-01", "ACC-02", "ACC-03", "ACC-04", "ACC-05", "ACC-06"]
    );
    assert!(
        results
            .iter()
            .all(|r| !r.title.is_empty() && r.controls.contains(&"nist-800-53:AC-2"))
    );

    let acc01 = by_id(&results, "ACC-01");
    assert_eq!(acc01.status, Status::Review);
    let kinds: Vec<(&str, &str)> = acc01
        .findings
        .iter()
        .map(|f| (f.kind, f.id.as_str()))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert_eq!(acc01.findings[0].name.as_deref(), Some("Operators"));
    let prod = &acc01.findings[2];
    assert_eq!(
        (prod.kind, prod.id.as_str(), prod.name.as_deref()),
        ("account", "000000000001", Some("prod"))
    );
    assert_eq!(prod.detail, "Operators held by alice (Ops), bob (Ops)");
    // The orphaned holder of "Power" is not a holder; ACC-03 reports it.
    assert!(acc01.findings[1].detail.ends_with("held on 0 account(s)"));

    let acc02 = by_id(&results, "ACC-02");
    assert_eq!(acc02.status, Status::Fail);
    assert_eq!(acc02.findings.len(), 1);
    assert_eq!(
        acc02.findings[0].detail,
        "alice is assigned ReadOnly on account 000000000002 directly"
    );

    let acc03 = by_id(&results, "ACC-03");
    let details: Vec<&str> = acc03.findings.iter().map(|f| f.detail.as_str()).collect();
    // Sorted by account, permission set, principal.
    assert_eq!(
        details,
        [
            "disabled user bob still holds Operators on account 000000000001 (prod) via group Ops",
            "group g-ghost no longer exists in the directory, still assigned ReadOnly on account 000000000001 (prod) via group g-ghost",
            "user ghost no longer exists in the directory, still assigned Power on account 000000000002 directly",
        ]
    );

    let acc04 = by_id(&results, "ACC-04");
    let flagged: Vec<&str> = acc04
        .findings
        .iter()
        .map(|f| f.name.as_deref().unwrap())
        .collect();
    assert_eq!(flagged, ["Operators", "Odd"]);
    assert!(
        acc04.findings[1]
            .detail
            .starts_with("unreadable session duration")
    );

    assert_eq!(by_id(&results, "ACC-05").status, Status::Skipped);
    assert_eq!(by_id(&results, "ACC-06").status, Status::Skipped);
}

#[test]
fn settings_turn_on_boundaries_and_move_the_session_maximum() {
    let (accounts, sets, _, _) = scene();
    let settings = AccessCheckSettings {
        max_session_seconds: 12 * 3600,
        boundary_required: true,
        privileged_patterns: Vec::new(),
    };
    let input = AccessCheckInput {
        accounts: &accounts,
        permission_sets: &sets,
        settings: &settings,
        previous: None,
    };
    let results = run(&input, &[]);
    assert_eq!(by_id(&results, "ACC-04").findings.len(), 1);
    let acc05 = by_id(&results, "ACC-05");
    assert_eq!(acc05.status, Status::Fail);
    assert_eq!(acc05.findings.len(), 3);
    let parsed: AccessCheckSettings = serde_json::from_str("{}").unwrap();
    assert_eq!(parsed, AccessCheckSettings::default());
    assert_eq!(parsed.max_session_seconds, 28_800);
}

#[test]
fn privileged_access_changes_are_listed_for_review() {
    let (accounts, sets, dir, assignments) = scene();
    let before: Vec<AccessRow> = expand(&dir, &assignments[1..]).collect();
    let after: Vec<AccessRow> = expand(&dir, &assignments[..3]).collect();
    let d = diff(7, 8, &before, &after);
    let settings = AccessCheckSettings::default();
    let input = AccessCheckInput {
        accounts: &accounts,
        permission_sets: &sets,
        settings: &settings,
        previous: Some(&d),
    };
    let acc06 = run(&input, &after).pop().unwrap();
    assert_eq!(acc06.status, Status::Review);
    let details: Vec<&str> = acc06.findings.iter().map(|f| f.detail.as_str()).collect();
    // The ReadOnly orphan lost is not privileged: not listed.
    assert_eq!(
        details,
        [
            "alice gained privileged Operators on account 000000000001 (prod) via group Ops",
            "bob gained privileged Operators on account 000000000001 (prod) via group Ops",
        ]
    );
    assert!(acc06.summary.ends_with("(since sync 7)"));
}

#[test]
fn a_clean_organization_passes() {
    let accounts: Vec<Account> = Vec::new();
    let sets = vec![ps(2, "ReadOnly", Some("PT4H"))];
    let settings = AccessCheckSettings::default();
    let empty = AccessDiff::default();
    let input = AccessCheckInput {
        accounts: &accounts,
        permission_sets: &sets,
        settings: &settings,
        previous: Some(&empty),
    };
    let results = run(&input, &[]);
    let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Pass,
            Status::Pass,
            Status::Pass,
            Status::Pass,
            Status::Skipped,
            Status::Pass
        ]
    );
    let _ = AccountId::parse("000000000001").unwrap();
}

#[test]
fn findings_do_not_depend_on_row_order() {
    let (accounts, sets, dir, assignments) = scene();
    let mut rows: Vec<AccessRow> = expand(&dir, &assignments).collect();
    let settings = AccessCheckSettings::default();
    let input = AccessCheckInput {
        accounts: &accounts,
        permission_sets: &sets,
        settings: &settings,
        previous: None,
    };
    let forward = run(&input, &rows);
    rows.reverse();
    assert_eq!(run(&input, &rows), forward);
}
