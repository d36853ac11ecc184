use proptest::prelude::*;

use super::*;

pub(crate) fn arn(n: u32) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-{n:016x}"
    ))
    .unwrap()
}

pub(crate) fn acct(n: u32) -> AccountId {
    AccountId::parse(&format!("{n:012}")).unwrap()
}

pub(crate) fn assign(account: u32, ps: u32, t: PrincipalType, id: &str) -> AccountAssignment {
    AccountAssignment {
        account_id: acct(account),
        permission_set_arn: arn(ps),
        principal_type: t,
        principal_id: id.to_owned(),
    }
}

fn user(id: &str, disabled: bool) -> DirUser {
    DirUser {
        user_id: id.to_owned(),
        user_name: Some(format!("{id}@example.com")),
        disabled,
    }
}

fn small() -> DirectoryIndex {
    DirectoryIndex::new(
        [user("u1", false), user("u2", true)],
        [("g1".to_owned(), Some("Admins".to_owned()))],
        [
            ("g1".to_owned(), "u1".to_owned()),
            ("g1".to_owned(), "u2".to_owned()),
            ("g1".to_owned(), "gone".to_owned()),
            ("g9".to_owned(), "u1".to_owned()),
        ],
    )
}

#[test]
fn rows_are_per_path_and_orphans_are_kept() {
    let dir = small();
    let a = [
        assign(1, 1, PrincipalType::User, "u1"),
        assign(1, 1, PrincipalType::Group, "g1"),
        assign(2, 1, PrincipalType::User, "ghost"),
        assign(2, 2, PrincipalType::Group, "g-ghost"),
    ];
    let rows: Vec<AccessRow> = expand(&dir, &a).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0].via, Via::Direct);
    assert_eq!(rows[1].via.label(), "Admins");
    assert_eq!(rows[1].user_id.as_deref(), Some("u1"));
    assert!(rows[2].user_disabled && !rows[2].orphaned);
    assert!(rows[3].orphaned && rows[3].user_id.as_deref() == Some("ghost"));
    assert!(rows[4].orphaned && rows[4].user_id.is_none());
    assert_eq!(rows[4].via.label(), "g-ghost");
    // u1 reaches (1, 1) by two paths but holds one pair.
    let pairs = distinct_pairs(&rows);
    assert_eq!(pairs.len(), 2);
}

#[test]
fn owned_assignments_stream_through_expand() {
    let dir = small();
    let owned = (0..3).map(|n| assign(n, 1, PrincipalType::Group, "g1"));
    assert_eq!(expand(&dir, owned).count(), 6);
}

#[test]
fn via_serialises_with_a_type_tag() {
    let g = Via::Group {
        group_id: "g1".into(),
        display_name: Some("Admins".into()),
    };
    assert_eq!(
        serde_json::to_string(&g).unwrap(),
        r#"{"type":"group","group_id":"g1","display_name":"Admins"}"#
    );
    assert_eq!(
        serde_json::to_string(&Via::Direct).unwrap(),
        r#"{"type":"direct"}"#
    );
}

/// Users, (group, user) memberships, (account, permission set, is user, principal) assignments.
type Scene = (Vec<String>, Vec<(u8, u8)>, Vec<(u8, u8, bool, u8)>);

fn scene() -> impl Strategy<Value = Scene> {
    let users = 1..8u8;
    (users, 1..5u8).prop_flat_map(|(nu, ng)| {
        (
            Just((0..nu).map(|i| format!("u{i}")).collect::<Vec<_>>()),
            proptest::collection::vec((0..ng, 0..nu), 0..20),
            proptest::collection::vec((0..3u8, 0..3u8, any::<bool>(), 0..nu.max(ng)), 0..20),
        )
    })
}

fn build(
    users: &[String],
    memberships: &[(u8, u8)],
    assignments: &[(u8, u8, bool, u8)],
) -> (DirectoryIndex, Vec<AccountAssignment>) {
    let groups: BTreeSet<u8> = memberships.iter().map(|m| m.0).collect();
    let dir = DirectoryIndex::new(
        users.iter().map(|u| user(u, false)),
        groups
            .iter()
            .map(|g| (format!("g{g}"), Some(format!("G{g}")))),
        memberships
            .iter()
            .map(|(g, u)| (format!("g{g}"), format!("u{u}"))),
    );
    let a = assignments
        .iter()
        .map(|&(acc, ps, is_user, p)| {
            if is_user {
                assign(acc.into(), ps.into(), PrincipalType::User, &format!("u{p}"))
            } else {
                assign(
                    acc.into(),
                    ps.into(),
                    PrincipalType::Group,
                    &format!("g{p}"),
                )
            }
        })
        .collect();
    (dir, a)
}

proptest! {
    #[test]
    fn direct_assignments_yield_one_direct_row_and_groups_one_per_member(
        (users, memberships, assignments) in scene()
    ) {
        let (dir, a) = build(&users, &memberships, &assignments);
        for x in &a {
            let rows: Vec<AccessRow> = rows_of(&dir, x).collect();
            match x.principal_type {
                PrincipalType::User => {
                    prop_assert_eq!(rows.len(), 1);
                    prop_assert_eq!(&rows[0].via, &Via::Direct);
                    prop_assert_eq!(rows[0].user_id.as_deref(), Some(x.principal_id.as_str()));
                    prop_assert_eq!(rows[0].orphaned, dir.user(&x.principal_id).is_none());
                }
                PrincipalType::Group if dir.group(&x.principal_id).is_some() => {
                    let want: BTreeSet<String> = memberships.iter()
                        .filter(|(g, _)| format!("g{g}") == x.principal_id)
                        .map(|(_, u)| format!("u{u}"))
                        .collect();
                    let got: Vec<String> = rows.iter().filter_map(|r| r.user_id.clone()).collect();
                    prop_assert_eq!(got.len(), want.len());
                    prop_assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want);
                    prop_assert!(rows.iter().all(|r| !r.orphaned && !r.via.is_direct()));
                }
                PrincipalType::Group => {
                    prop_assert_eq!(rows.len(), 1);
                    prop_assert!(rows[0].orphaned && rows[0].user_id.is_none());
                }
            }
        }
    }

    #[test]
    fn removing_a_user_orphans_direct_rows_and_drops_group_rows(
        (users, memberships, assignments) in scene(), pick in any::<prop::sample::Index>()
    ) {
        let gone = pick.get(&users).clone();
        let (before_dir, a) = build(&users, &memberships, &assignments);
        let kept: Vec<String> = users.iter().filter(|u| **u != gone).cloned().collect();
        let (after_dir, _) = build(&kept, &memberships, &assignments);
        let before: Vec<AccessRow> = expand(&before_dir, &a).collect();
        let after: Vec<AccessRow> = expand(&after_dir, &a).collect();
        let of = |rows: &[AccessRow], direct: bool| -> Vec<AccessRow> {
            rows.iter().filter(|r| r.user_id.as_deref() == Some(gone.as_str()) && r.via.is_direct() == direct).cloned().collect()
        };
        let (bd, ad) = (of(&before, true), of(&after, true));
        prop_assert_eq!(bd.len(), ad.len());
        prop_assert!(bd.iter().all(|r| !r.orphaned));
        prop_assert!(ad.iter().all(|r| r.orphaned));
        prop_assert!(of(&after, false).is_empty());
        // Nobody else's rows change.
        let others = |rows: &[AccessRow]| -> Vec<AccessRow> {
            rows.iter().filter(|r| r.user_id.as_deref() != Some(gone.as_str())).cloned().collect()
        };
        prop_assert_eq!(others(&before), others(&after));
    }
}
