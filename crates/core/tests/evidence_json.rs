//! The exact bytes of `diff.json` and `checks.json` are part of the product:
//! pinned here by snapshot tests over a small hand-built directory.
#![allow(clippy::unwrap_used)]

use roster_core::directory::{Attribute, ExternalIdentifier, UserStatus};
use roster_core::evidence::checks::{
    self, CheckInput, CheckReport, CheckSettings, Freshness, GroupFacts, StatusCounts, UserFacts,
};
use roster_core::evidence::diff::{self, MembershipRef, VersionChanges};
use roster_core::evidence::hr_roster;
use roster_core::evidence::manifest::json_file;
use roster_core::{Group, GroupId, IdentityStoreId, User, UserId};

fn user(id: &str, name: &str, status: UserStatus) -> User {
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse(id).unwrap(),
    );
    u.user_name = Some(name.into());
    u.display_name = Some(name.to_uppercase());
    u.emails = vec![Attribute {
        value: Some(format!("{name}@example.com")),
        r#type: Some("work".into()),
        primary: true,
    }];
    u.external_ids = vec![ExternalIdentifier {
        issuer: "okta".into(),
        id: format!("x-{id}"),
    }];
    u.user_status = Some(status);
    u.updated_at = Some("2026-01-01T00:00:00Z".into());
    u
}

fn group(id: &str, name: &str) -> Group {
    let mut g = Group::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        GroupId::parse(id).unwrap(),
    );
    g.display_name = Some(name.into());
    g
}

fn membership(
    id: &str,
    group: &str,
    group_name: &str,
    user: &str,
    user_name: &str,
) -> MembershipRef {
    MembershipRef {
        membership_id: id.into(),
        group_id: group.into(),
        group_name: Some(group_name.into()),
        user_id: user.into(),
        user_name: Some(user_name.into()),
    }
}

fn sample_diff() -> diff::Diff {
    let mut bob_after = user("u-2", "bob", UserStatus::Disabled);
    bob_after.updated_at = Some("2026-01-02T00:00:00Z".into());
    let mut renamed = group("g-2", "ops-admins");
    renamed.description = Some("on call".into());
    diff::compute(
        "src_1",
        3,
        4,
        VersionChanges {
            users_before: vec![
                user("u-2", "bob", UserStatus::Enabled),
                user("u-3", "cy", UserStatus::Enabled),
            ],
            users_after: vec![bob_after, user("u-4", "dee", UserStatus::Enabled)],
            groups_before: vec![group("g-2", "ops")],
            groups_after: vec![renamed, group("g-3", "new")],
            memberships_before: vec![membership("m-2", "g-2", "ops", "u-3", "cy")],
            memberships_after: vec![membership("m-5", "g-2", "ops-admins", "u-4", "dee")],
            formats: (0, 0),
        },
    )
}

#[test]
fn diff_json_is_pinned() {
    let d = sample_diff();
    assert_eq!(
        d.summary.users_changed, 1,
        "UpdatedAt alone is not a change worth listing, UserStatus is"
    );
    insta::assert_snapshot!("diff.json", String::from_utf8(json_file(&d)).unwrap());
}

#[test]
fn checks_json_is_pinned() {
    let facts = |id: &str, name: &str, email: Option<&str>, disabled, idp, groups| UserFacts {
        user_id: id.into(),
        user_name: Some(name.into()),
        display_name: None,
        email: email.map(Into::into),
        disabled,
        idp_sourced: idp,
        groups,
    };
    let users = vec![
        facts("u-1", "ada", Some("ada@example.com"), false, true, 2),
        facts("u-2", "bob", Some("bob@example.com"), true, true, 1),
        facts("u-4", "dee", None, false, false, 0),
        facts(
            "u-5",
            "break-glass",
            Some("ADA@example.com"),
            false,
            false,
            1,
        ),
    ];
    let groups = vec![
        GroupFacts {
            group_id: "g-1".into(),
            display_name: Some("eng".into()),
            members: 2,
        },
        GroupFacts {
            group_id: "g-3".into(),
            display_name: Some("new".into()),
            members: 0,
        },
    ];
    let settings = CheckSettings {
        exemptions: vec!["break-glass".into()],
        ..CheckSettings::default()
    };
    let roster = hr_roster::parse(b"email\nada@example.com\nzed@example.com\n").unwrap();
    let previous = sample_diff();
    let freshness = Freshness {
        last_success_at: Some("2026-01-02T00:00:05.000Z".into()),
        age_seconds: Some(0),
    };
    let results = checks::run(&CheckInput {
        users: &users,
        groups: &groups,
        settings: &settings,
        previous: Some(&previous),
        freshness: &freshness,
        hr_roster: Some(&roster),
    });
    let report = CheckReport {
        source_id: "src_1".into(),
        sync_id: 4,
        as_of: "2026-01-02T00:00:05.000Z".into(),
        settings,
        hr_roster: Some("hr.csv".into()),
        summary: StatusCounts::of(&results),
        checks: results,
    };
    insta::assert_snapshot!(
        "checks.json",
        String::from_utf8(json_file(&report)).unwrap()
    );
}
