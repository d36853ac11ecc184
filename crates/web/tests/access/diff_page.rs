//! The console's access diff page (`/access/diff`): gained and lost rows
//! between two access snapshots (direct and via a group), escaped; links
//! to the API's JSON and CSV of the same diff (the same service); linked
//! from the Access and Syncs pages; another tenant's source is 404 and a
//! bad sync ID or page is 400.

use axum::http::{StatusCode, header};
use roster_core::sso::PrincipalType;

use crate::seed::{ADMIN_ID, DEV, READ_ID, access_sync, access_sync_with, assign};
use crate::support::{App, Who, admin_page, app, send, text};

/// An orphaned user ID with markup in it (AWS IDs never have it; the page
/// must escape whatever the store holds).
const ODD: &str = "u-<script>alert(1)</script>";

/// First snapshot without user 7's dev access; the second without user 8's,
/// with the Admins group on dev too and an odd orphaned user.
async fn two_snapshots(a: &App) -> (i64, i64) {
    let first = access_sync(a, Some(7)).await;
    let second = access_sync_with(
        a,
        Some(8),
        vec![
            assign(DEV, ADMIN_ID, PrincipalType::Group, "g-admins"),
            assign(DEV, READ_ID, PrincipalType::User, ODD),
        ],
    )
    .await;
    (first.0, second.0)
}

/// The part of `page` from the table `id` to the next `</table>`.
fn table<'p>(page: &'p str, id: &str) -> &'p str {
    let at = page
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id}: {page}"));
    let rest = &page[at..];
    &rest[..rest.find("</table>").unwrap()]
}

#[tokio::test]
async fn the_access_diff_page_shows_gained_and_lost_rows_escaped() {
    let a = app().await;
    let (first, second) = two_snapshots(&a).await;
    let s = &a.source;
    let page = admin_page(&a, &format!("/access/diff?source={s}")).await;
    assert!(
        page.contains(&format!("From sync #{first} to sync #{second}")),
        "{page}"
    );
    assert!(
        page.contains("3 gained") && page.contains("1 lost"),
        "{page}"
    );
    let gained = table(&page, "access-gained");
    assert!(gained.contains(">user7<"), "direct: {gained}");
    assert!(gained.contains(">user0<"), "via the group: {gained}");
    assert!(
        gained.contains(&format!(r#"href="/groups/g-admins?source={s}">Admins</a>"#)),
        "{gained}"
    );
    assert!(gained.contains("AdministratorAccess") && gained.contains("ReadOnly"));
    assert!(gained.contains("dev"), "account names: {gained}");
    assert!(gained.contains("orphaned"));
    let lost = table(&page, "access-lost");
    assert!(
        lost.contains(">user8<") && !lost.contains(">user7<"),
        "{lost}"
    );
    assert!(!page.contains("<script>alert(1)"), "escaped");
    assert!(page.contains("u-&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The downloads are the API's, for the same two snapshots.
    let api = format!("/api/v1/sources/{s}/access/diff?from={first}&amp;to={second}");
    assert!(
        page.contains(&format!(r#"href="{api}&amp;format=csv""#)),
        "{page}"
    );
    assert!(page.contains(&format!(r#"href="{api}""#)));
    // Explicit snapshots, the other way round: 400.
    let back = send(
        &a,
        "GET",
        &format!("/access/diff?source={s}&from={second}&to={first}"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(back.status(), StatusCode::BAD_REQUEST);
    // Linked from the Access and Syncs pages.
    let access = admin_page(&a, &format!("/access?source={s}")).await;
    assert!(access.contains(&format!(r#"href="/access/diff?source={s}""#)));
    let syncs = admin_page(&a, &format!("/syncs?source={s}")).await;
    assert!(
        syncs.contains(&format!(
            r#"href="/access/diff?source={s}&amp;to={second}""#
        )),
        "{syncs}"
    );
}

#[tokio::test]
async fn the_api_gives_the_same_diff_as_json_and_csv() {
    let a = app().await;
    let (first, second) = two_snapshots(&a).await;
    let path = format!("/api/v1/sources/{}/access/diff", a.source);
    let r = send(&a, "GET", &path, Who::Bearer(&a.token), None, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(
        (v["from_sync"].as_i64(), v["to_sync"].as_i64()),
        (Some(first), Some(second))
    );
    assert_eq!(v["gained"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["lost"][0]["user_id"], "u-0008");
    assert_eq!(v["lost"][0]["account_name"], "dev");
    assert_eq!(v["lost"][0]["permission_set_name"], "ReadOnly");
    let r = send(
        &a,
        "GET",
        &format!("{path}?format=csv"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = text(r).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("change,user_id,user_name,account_id,account_name"),
        "{csv}"
    );
    assert_eq!(lines.len(), 1 + 3 + 1, "{csv}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("gained,")).count(), 3);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("lost,u-0008,user8,222222222222,dev,"))
    );
    let r = send(
        &a,
        "GET",
        &format!("{path}?format=xml"),
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn another_tenants_source_is_not_found_on_the_access_diff_page() {
    let a = app().await;
    two_snapshots(&a).await;
    for path in [
        format!("/access/diff?source={}", a.source),
        format!("/api/v1/sources/{}/access/diff?format=csv", a.source),
    ] {
        let r = send(&a, "GET", &path, Who::Session(&a.other_admin), None, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = text(r).await;
        assert!(
            !body.contains("user7") && !body.contains("u-0008"),
            "{body}"
        );
    }
    // Their own first page shows no source of ours.
    let r = send(
        &a,
        "GET",
        "/access/diff",
        Who::Session(&a.other_admin),
        None,
        None,
    )
    .await;
    let body = text(r).await;
    assert!(
        !body.contains(a.source.as_str()) && !body.contains("user7"),
        "{body}"
    );
}

#[tokio::test]
async fn bad_snapshot_ids_and_pages_are_400() {
    let a = app().await;
    two_snapshots(&a).await;
    let s = &a.source;
    for q in [
        "from=abc",
        "to=abc",
        "from=-1",
        "to=0",
        "from=1e3",
        "from=%00",
        "to=99999999999999999999999",
        "page=0",
        "page=abc",
        "page=10001",
    ] {
        let path = format!("/access/diff?source={s}&{q}");
        let r = send(&a, "GET", &path, Who::Session(&a.admin), None, None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        let body = text(r).await;
        assert!(!body.contains("<script>alert(1)"), "{body}");
    }
    let r = send(
        &a,
        "GET",
        &format!("/access/diff?source={s}&from=999999"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "an unknown sync");
}

#[tokio::test]
async fn the_first_access_snapshot_has_nothing_to_compare_with() {
    let a = app().await;
    let first = access_sync(&a, None).await;
    let page = admin_page(&a, &format!("/access/diff?source={}", a.source)).await;
    assert!(page.contains(r#"id="access-diff-none""#), "{page}");
    assert!(page.contains(&format!("sync {}", first.0)), "{page}");
    // A second page of a short diff says so.
    let second = access_sync(&a, Some(3)).await;
    let page = admin_page(
        &a,
        &format!(
            "/access/diff?source={}&from={}&to={}&page=2",
            a.source, first.0, second.0
        ),
    )
    .await;
    assert!(page.contains("No more rows on this page."), "{page}");
    assert!(page.contains(r#"id="prev-page""#) && !page.contains(r#"id="next-page""#));
}
