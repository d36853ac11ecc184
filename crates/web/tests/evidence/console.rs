//! What the console shows: checks with findings and controls, the control
//! mapping, sync diffs and the report.

use crate::helpers::{Call, call, second_sync};
use crate::support::{Who, app, text};

#[tokio::test]
async fn the_console_shows_checks_controls_and_diffs() {
    let a = app().await;
    second_sync(&a).await;
    let who = Who::Session(&a.auditor);
    let page = text(
        call(
            &a,
            "GET",
            &format!("/checks?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for id in [
        "IDS-01",
        "IDS-05",
        "IDS-07",
        "IDS-09",
        "soc2:CC6.1",
        "All 60",
    ] {
        assert!(page.contains(id), "Checks page lacks {id}");
    }
    assert!(
        !page.contains(r#"id="save-settings""#),
        "auditors get no save button"
    );
    let all = text(
        call(
            &a,
            "GET",
            &format!("/checks?source={}&check=IDS-01", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    assert!(
        all.contains("check-findings") && all.contains("u-0100"),
        "{all}"
    );
    let controls = text(
        call(
            &a,
            "GET",
            &format!("/checks/controls?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for needle in ["CC6.3", "A.8.2", "AC-2", "NIST SP 800-53 r5", "checks.json"] {
        assert!(controls.contains(needle), "Controls lacks {needle}");
    }
}

#[tokio::test]
async fn the_console_shows_diffs_and_reports() {
    let a = app().await;
    let second = second_sync(&a).await;
    let who = Who::Session(&a.auditor);
    let syncs = text(
        call(
            &a,
            "GET",
            &format!("/syncs?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    assert!(syncs.contains(&format!("/syncs/{second}/diff")), "{syncs}");
    let diff = text(
        call(
            &a,
            "GET",
            &format!("/syncs/{second}/diff"),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for needle in [
        "users-added",
        "u-0100",
        "users-removed",
        "u-0059",
        "groups-renamed",
        "Platform Admins",
        "memberships-added",
        "m-2",
        "memberships-removed",
        "m-1",
    ] {
        assert!(diff.contains(needle), "diff lacks {needle}");
    }
    let api = text(
        call(
            &a,
            "GET",
            &format!("/api/v1/sources/{}/diff", a.source),
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert_eq!(v["summary"]["users_added"], 1, "{v}");
    assert_eq!(v["summary"]["groups_renamed"], 1, "{v}");
    let r = call(&a, "GET", &format!("/reports/{second}"), &Call::Get, &who).await;
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let report = text(r).await;
    assert!(
        report.contains("IDS-01") && report.contains("<svg"),
        "the report"
    );
    assert!(
        !report.contains("<script src") && !report.contains("href=\"http"),
        "self-contained"
    );
    let nav = text(call(&a, "GET", "/evidence", &Call::Get, &who).await).await;
    assert!(
        nav.contains(r#"href="/checks""#) && nav.contains("public-key"),
        "{nav}"
    );
}
