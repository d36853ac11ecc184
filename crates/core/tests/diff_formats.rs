//! Diffs over the enterprise extension: a change of department is a user
//! change, reported per field; a snapshot taken before roster kept the
//! extension (directory format 1) is never diffed on it.
#![allow(clippy::unwrap_used)]

use roster_core::evidence::diff::{VersionChanges, compute};
use roster_core::{IdentityStoreId, User, UserId};
use serde_json::json;

fn user(department: Option<&str>) -> User {
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse("u-1").unwrap(),
    );
    u.user_name = Some("alice".into());
    if let Some(d) = department {
        u.extensions.insert(
            "aws:identitystore:enterprise".into(),
            json!({"employeeNumber": "E000001", "department": d}),
        );
    }
    u
}

fn diff(before: User, after: User, formats: (u8, u8)) -> roster_core::evidence::Diff {
    compute(
        "src_1",
        1,
        2,
        VersionChanges {
            users_before: vec![before],
            users_after: vec![after],
            formats,
            ..VersionChanges::default()
        },
    )
}

#[test]
fn a_change_of_department_is_a_user_change() {
    let d = diff(user(Some("Sales")), user(Some("Finance")), (2, 2));
    assert_eq!(d.summary.users_changed, 1);
    let fields = &d.users.changed[0].fields;
    assert_eq!(fields.len(), 1);
    assert_eq!(
        fields[0].field,
        "Extensions.aws:identitystore:enterprise.department"
    );
    assert_eq!(fields[0].before, "Sales");
    assert_eq!(fields[0].after, "Finance");
}

#[test]
fn a_format_1_snapshot_is_not_diffed_on_the_extension_it_lacks() {
    let mut after = user(Some("Sales"));
    after.user_arn = Some("arn:aws:identitystore:::user/u-1".into());
    let d = diff(user(None), after.clone(), (1, 2));
    assert!(d.is_empty(), "{d:?}");
    // Fields both formats have are still compared.
    let mut renamed = after;
    renamed.user_name = Some("alice2".into());
    let d = diff(user(None), renamed, (1, 2));
    assert_eq!(d.summary.users_changed, 1);
    assert_eq!(d.users.changed[0].fields[0].field, "UserName");
}
