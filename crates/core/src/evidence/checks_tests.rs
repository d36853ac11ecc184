//! Table-driven tests of every check outcome over small hand-built directories.

use super::*;
use crate::evidence::diff::{Diff, MembershipRef, VersionChanges, compute};

fn user(id: &str, name: &str, email: Option<&str>, groups: u64) -> UserFacts {
    UserFacts {
        user_id: id.into(),
        user_name: Some(name.into()),
        display_name: None,
        email: email.map(Into::into),
        disabled: false,
        idp_sourced: true,
        groups,
    }
}

fn group(id: &str, name: &str, members: u64) -> GroupFacts {
    GroupFacts {
        group_id: id.into(),
        display_name: Some(name.into()),
        members,
    }
}

fn healthy() -> (Vec<UserFacts>, Vec<GroupFacts>) {
    (
        vec![
            user("u1", "ada", Some("ada@x.com"), 1),
            user("u2", "bob", Some("bob@x.com"), 2),
        ],
        vec![group("g1", "eng", 2), group("g2", "eng-admins", 1)],
    )
}

fn membership_change(group_name: &str) -> Diff {
    let m = MembershipRef {
        membership_id: "m9".into(),
        group_id: "g2".into(),
        group_name: Some(group_name.into()),
        user_id: "u2".into(),
        user_name: Some("bob".into()),
    };
    compute(
        "src",
        1,
        2,
        VersionChanges {
            memberships_after: vec![m],
            ..Default::default()
        },
    )
}

fn fresh() -> Freshness {
    Freshness {
        last_success_at: Some("2026-01-01T00:00:00.000Z".into()),
        age_seconds: Some(60),
    }
}

type Setup = fn(
    &mut Vec<UserFacts>,
    &mut Vec<GroupFacts>,
    &mut CheckSettings,
    &mut Freshness,
) -> (Option<Diff>, Option<HrRoster>);

struct Case {
    name: &'static str,
    check: &'static str,
    setup: Setup,
    status: Status,
    /// IDs of the entities at fault.
    at_fault: &'static [&'static str],
}

fn nothing(
    _: &mut Vec<UserFacts>,
    _: &mut Vec<GroupFacts>,
    _: &mut CheckSettings,
    _: &mut Freshness,
) -> (Option<Diff>, Option<HrRoster>) {
    (None, None)
}

fn roster(emails: &[&str]) -> HrRoster {
    HrRoster {
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
    }
}

const CASES: &[Case] = &[
    Case {
        name: "idp users pass",
        check: "IDS-01",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a local user fails",
        check: "IDS-01",
        setup: |u, _, _, _| {
            u[1].idp_sourced = false;
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u2"],
    },
    Case {
        name: "an exempted break-glass user passes",
        check: "IDS-01",
        setup: |u, _, s, _| {
            u[1].idp_sourced = false;
            s.exemptions = vec!["BOB".into()];
            (None, None)
        },
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "exemption by user ID",
        check: "IDS-01",
        setup: |u, _, s, _| {
            u[0].idp_sourced = false;
            u[1].idp_sourced = false;
            s.exemptions = vec!["u1".into()];
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u2"],
    },
    Case {
        name: "emails present pass",
        check: "IDS-02",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a missing email fails",
        check: "IDS-02",
        setup: |u, _, _, _| {
            u[0].email = None;
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u1"],
    },
    Case {
        name: "unique names pass",
        check: "IDS-03",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "same email in another case fails",
        check: "IDS-03",
        setup: |u, _, _, _| {
            u[1].email = Some("ADA@x.com".into());
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u1", "u2"],
    },
    Case {
        name: "same user name fails",
        check: "IDS-03",
        setup: |u, _, _, _| {
            u[1].user_name = Some("Ada".into());
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u1", "u2"],
    },
    Case {
        name: "a disabled user without groups passes",
        check: "IDS-04",
        setup: |u, _, _, _| {
            u[0].disabled = true;
            u[0].groups = 0;
            (None, None)
        },
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a disabled member fails",
        check: "IDS-04",
        setup: |u, _, _, _| {
            u[1].disabled = true;
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u2"],
    },
    Case {
        name: "groups with members pass",
        check: "IDS-05",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "an empty group fails",
        check: "IDS-05",
        setup: |_, g, _, _| {
            g[0].members = 0;
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["g1"],
    },
    Case {
        name: "users in groups pass",
        check: "IDS-06",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a user in no group fails",
        check: "IDS-06",
        setup: |u, _, _, _| {
            u[0].groups = 0;
            (None, None)
        },
        status: Status::Fail,
        at_fault: &["u1"],
    },
    Case {
        name: "no previous snapshot is skipped",
        check: "IDS-07",
        setup: nothing,
        status: Status::Skipped,
        at_fault: &[],
    },
    Case {
        name: "an unprivileged change passes",
        check: "IDS-07",
        setup: |_, _, _, _| (Some(membership_change("eng")), None),
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a privileged change is for review",
        check: "IDS-07",
        setup: |_, _, _, _| (Some(membership_change("Eng-ADMINS")), None),
        status: Status::Review,
        at_fault: &["m9"],
    },
    Case {
        name: "custom patterns apply",
        check: "IDS-07",
        setup: |_, _, s, _| {
            s.privileged_patterns = vec!["root-?".into()];
            (Some(membership_change("root-1")), None)
        },
        status: Status::Review,
        at_fault: &["m9"],
    },
    Case {
        name: "a recent sync passes",
        check: "IDS-08",
        setup: nothing,
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "a stale sync fails",
        check: "IDS-08",
        setup: |_, _, _, f| {
            f.age_seconds = Some(25 * 3600);
            (None, None)
        },
        status: Status::Fail,
        at_fault: &[""],
    },
    Case {
        name: "a longer window passes",
        check: "IDS-08",
        setup: |_, _, s, f| {
            f.age_seconds = Some(25 * 3600);
            s.freshness_hours = 48;
            (None, None)
        },
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "no successful sync fails",
        check: "IDS-08",
        setup: |_, _, _, f| {
            *f = Freshness {
                last_success_at: None,
                age_seconds: None,
            };
            (None, None)
        },
        status: Status::Fail,
        at_fault: &[""],
    },
    Case {
        name: "no roster is skipped",
        check: "IDS-09",
        setup: nothing,
        status: Status::Skipped,
        at_fault: &[],
    },
    Case {
        name: "a matching roster passes",
        check: "IDS-09",
        setup: |_, _, _, _| (None, Some(roster(&["ada@x.com", "bob@x.com"]))),
        status: Status::Pass,
        at_fault: &[],
    },
    Case {
        name: "gaps both ways fail",
        check: "IDS-09",
        setup: |_, _, _, _| (None, Some(roster(&["ada@x.com", "eve@x.com"]))),
        status: Status::Fail,
        at_fault: &["u2", "eve@x.com"],
    },
    Case {
        name: "disabled users are not offboarding gaps",
        check: "IDS-09",
        setup: |u, _, _, _| {
            u[1].disabled = true;
            (None, Some(roster(&["ada@x.com"])))
        },
        status: Status::Pass,
        at_fault: &[],
    },
];

#[test]
fn every_check_outcome() {
    for case in CASES {
        let (mut users, mut groups) = healthy();
        let mut settings = CheckSettings::default();
        let mut freshness = fresh();
        let (previous, hr) = (case.setup)(&mut users, &mut groups, &mut settings, &mut freshness);
        let input = CheckInput {
            users: &users,
            groups: &groups,
            settings: &settings,
            previous: previous.as_ref(),
            freshness: &freshness,
            hr_roster: hr.as_ref(),
        };
        let results = run(&input);
        assert_eq!(results.len(), 9);
        let r = results.iter().find(|r| r.id == case.check).unwrap();
        assert_eq!(
            r.status, case.status,
            "{}: {} — {}",
            case.check, case.name, r.summary
        );
        let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, case.at_fault, "{}: {}", case.check, case.name);
        assert!(!r.controls.is_empty());
    }
}

#[test]
fn globs_match_like_shell_patterns_ignoring_case() {
    assert!(glob_match("*admin*", "Platform-Admins"));
    assert!(glob_match("admin", "ADMIN"));
    assert!(!glob_match("admin", "admins"));
    assert!(glob_match("a?c*", "abcdef"));
    assert!(!glob_match("*admin*", "adm"));
    assert!(glob_match("*", ""));
}

#[test]
fn status_counts_add_up() {
    let (users, groups) = healthy();
    let settings = CheckSettings::default();
    let input = CheckInput {
        users: &users,
        groups: &groups,
        settings: &settings,
        previous: None,
        freshness: &fresh(),
        hr_roster: None,
    };
    let counts = StatusCounts::of(&run(&input));
    assert_eq!(
        counts,
        StatusCounts {
            pass: 7,
            fail: 0,
            review: 0,
            skipped: 2
        }
    );
}
