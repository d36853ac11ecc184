use super::*;
use crate::Timestamp;

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

#[test]
fn a_revoke_needs_a_comment_and_a_keep_does_not() {
    assert!(validate_comment(Verdict::Revoke, None).is_err());
    assert!(validate_comment(Verdict::Revoke, Some("  ")).is_err());
    assert_eq!(
        validate_comment(Verdict::Revoke, Some(" left the team ")).unwrap(),
        Some("left the team".into())
    );
    assert_eq!(validate_comment(Verdict::Keep, None).unwrap(), None);
    assert!(validate_comment(Verdict::Keep, Some("a\0b")).is_err());
    assert!(validate_comment(Verdict::Keep, Some(&"x".repeat(4001))).is_err());
}

#[test]
fn revoked_access_is_pending_within_the_window_then_overdue_until_a_snapshot_shows_it_gone() {
    let t = at("2026-01-01T00:00:00Z");
    assert_eq!(
        remediation(t, false, 14, at("2026-01-15T00:00:00Z")),
        Remediation::Pending
    );
    assert_eq!(
        remediation(t, false, 14, at("2026-01-15T00:00:01Z")),
        Remediation::Overdue
    );
    assert_eq!(
        remediation(t, true, 14, at("2027-01-01T00:00:00Z")),
        Remediation::Remediated
    );
    assert_eq!(
        remediation(t, false, 0, at("2026-01-01T00:00:01Z")),
        Remediation::Overdue
    );
}

#[test]
fn nobody_is_the_same_person_as_an_empty_email_and_case_is_ignored() {
    assert!(same_person(
        "Alice@Example.com",
        &[None, Some("alice@example.com")]
    ));
    assert!(same_person(
        "alice@example.com",
        &[Some(" ALICE@example.com"), None]
    ));
    assert!(!same_person("", &[Some("")]));
    assert!(!same_person(
        "bob@example.com",
        &[Some("alice@example.com"), None]
    ));
}

#[test]
fn filters_parse_from_cli_terms_and_refuse_unknown_ones() {
    let f =
        PopulationFilter::parse_terms(["privileged,group=Admins", "account=123456789012"]).unwrap();
    assert!(f.privileged_only);
    assert_eq!(f.groups, ["Admins"]);
    assert_eq!(f.accounts, ["123456789012"]);
    assert!(PopulationFilter::parse_terms(["colour=red"]).is_err());
    assert!(PopulationFilter::parse_terms(["account=12"]).is_err());
    assert!(PopulationFilter::parse_terms(["group=a\0b"]).is_err());
    assert!(PopulationFilter::parse_terms([]).unwrap().is_everything());
}

#[test]
fn campaign_ids_are_generated_in_their_own_shape() {
    let id = CampaignId::generate();
    assert_eq!(CampaignId::parse(id.as_str()).unwrap(), id);
    assert!(CampaignId::parse("src_0123456789abcdef").is_err());
    assert!(CampaignId::parse("rev_0123456789ABCDEF").is_err());
}

#[test]
fn ids10_fails_while_anything_is_overdue_and_passes_otherwise() {
    assert_eq!(ids10(&[], 14).status, crate::evidence::Status::Pass);
    let o = OverdueItem {
        campaign_id: "rev_0123456789abcdef".into(),
        item_id: 3,
        user_name: Some("alice".into()),
        access: "Admins".into(),
        revoked_at: "2026-01-01T00:00:00.000Z".into(),
    };
    let r = ids10(&[o], 14);
    assert_eq!(r.status, crate::evidence::Status::Fail);
    assert_eq!(r.id, "IDS-10");
    assert_eq!(r.findings[0].id, "rev_0123456789abcdef/3");
    assert!(!r.controls.is_empty());
}
