//! The console's access pages: the Access page's views, filters, empty
//! states and keyset pages; permission set pages with the inline policy
//! escaped; access on the user and group pages; ACC- checks on the Checks
//! page with their settings form.

use axum::http::StatusCode;
use roster_core::TenantId;

use crate::seed::{ADMIN_ID, DEV, PROD, READ_ID, ROWS, access_sync};
use crate::support::{App, Who, admin_page, app, send, text};

fn rows(page: &str) -> usize {
    page.matches("<tr data-privileged=").count()
}

fn next_href(page: &str) -> Option<String> {
    let at = page.find(r#"id="next-page" href=""#)?;
    let rest = &page[at + r#"id="next-page" href=""#.len()..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

/// Rows of every page from `first`, following "Next page".
async fn walk(a: &App, first: &str) -> (usize, usize) {
    let (mut total, mut pages) = (0, 0);
    let mut path = Some(first.to_owned());
    while let Some(p) = path {
        let r = send(a, "GET", &p, Who::Session(&a.admin), None, None).await;
        assert_eq!(r.status(), StatusCode::OK, "{p}");
        let body = text(r).await;
        let n = rows(&body);
        assert!(n <= 50, "{p}: {n} rows");
        total += n;
        pages += 1;
        assert!(pages < 100, "pagination did not end");
        path = next_href(&body);
    }
    (total, pages)
}

#[tokio::test]
async fn the_access_page_pages_through_every_row_and_filters() {
    let a = app().await;
    access_sync(&a, None).await;
    let first = format!("/access?source={}", a.source);
    let (total, pages) = walk(&a, &first).await;
    assert_eq!((total, pages), (ROWS, 2));
    let page = admin_page(&a, &first).await;
    assert!(
        page.contains("3 accounts") && page.contains("62 access rows"),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/access""#),
        "the navigation links the Access page"
    );

    let privileged = admin_page(&a, &format!("{first}&privileged=true")).await;
    assert_eq!(rows(&privileged), 2);
    assert!(privileged.contains(r#"name="privileged" value="true" checked"#));
    let (direct, _) = walk(&a, &format!("{first}&direct=true")).await;
    assert_eq!(direct, 60);
    let orphaned = admin_page(&a, &format!("{first}&orphaned=true")).await;
    assert_eq!(rows(&orphaned), 2);
    assert!(orphaned.contains("orphaned"));
    let searched = admin_page(&a, &format!("{first}&q=user5")).await;
    assert_eq!(rows(&searched), 11);
    let none = admin_page(&a, &format!("{first}&q=nobody-at-all")).await;
    assert!(none.contains("No access matches."));

    let r = send(
        &a,
        "GET",
        &format!("{first}&q=%00"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(
        &a,
        "GET",
        &format!("{first}&account=nope"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let accounts = admin_page(&a, &format!("{first}&view=accounts")).await;
    assert!(
        accounts.contains(PROD)
            && accounts.contains("sandbox")
            && accounts.contains("Who can reach it")
    );
    assert!(accounts.contains("<td>ACTIVE</td>"), "{accounts}");
    let sets = admin_page(&a, &format!("{first}&view=permission-sets&privileged=true")).await;
    assert!(
        sets.contains("AdministratorAccess") && !sets.contains(">ReadOnly<"),
        "{sets}"
    );
    assert!(sets.contains(&format!("/permission-sets/{ADMIN_ID}?source={}", a.source)));
}

#[tokio::test]
async fn the_access_page_says_when_a_source_collects_no_access_or_has_no_snapshot() {
    let a = app().await;
    let path = format!("/access?source={}", a.source);
    let page = admin_page(&a, &path).await;
    assert!(
        page.contains("This source does not collect access"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"href="/sources/{}""#, a.source)),
        "links the settings"
    );
    assert!(!page.contains("No access snapshot yet"));
    a.store
        .set_source_collects_access(&TenantId::default_tenant(), &a.source, true)
        .await
        .unwrap();
    let page = admin_page(&a, &path).await;
    assert!(page.contains("No access snapshot yet"), "{page}");
    assert!(!page.contains("does not collect access"));
    let user = admin_page(&a, &format!("/users/u-0001?source={}", a.source)).await;
    assert!(
        user.contains("No access snapshot yet"),
        "the user page says so too"
    );
}

#[tokio::test]
async fn a_permission_set_page_shows_its_policies_with_the_inline_policy_escaped() {
    let a = app().await;
    access_sync(&a, None).await;
    let page = admin_page(
        &a,
        &format!("/permission-sets/{ADMIN_ID}?source={}", a.source),
    )
    .await;
    assert!(
        !page.contains("<script>alert(1)"),
        "an inline policy is text, never markup"
    );
    assert!(!page.contains("<b>everywhere"), "a description is text");
    assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("Full access &lt;b&gt;everywhere&lt;/b&gt;"));
    assert!(
        page.contains(
            "\n  &quot;Statement&quot;: [\n    {\n      &quot;Sid&quot;: &quot;Everything&quot;,"
        ),
        "indented, in AWS's key order: {page}"
    );
    assert!(page.contains("PT12H (12 h)"));
    assert!(page.contains("AdministratorAccess attached"));
    assert!(page.contains("inline policy allows"));
    assert!(page.contains(PROD) && page.contains("Who holds it here"));
    assert!(
        page.contains("user0") && page.contains("Admins"),
        "holders: {page}"
    );
    let read = admin_page(
        &a,
        &format!("/permission-sets/{READ_ID}?source={}", a.source),
    )
    .await;
    assert!(read.contains("/roster/TeamRead") && read.contains("PowerUserAccess"));
    assert!(
        read.contains("PT1H (AWS&#39;s default, 1 h)")
            || read.contains("PT1H (AWS's default, 1 h)")
    );
    assert!(
        read.contains(r#"id="next-page""#),
        "59 holders + u-gone: two pages"
    );
    let r = send(
        &a,
        "GET",
        &format!("/permission-sets/ps-ffffffffffffffff?source={}", a.source),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn user_and_group_pages_show_their_access() {
    let a = app().await;
    access_sync(&a, None).await;
    let user = admin_page(&a, &format!("/users/u-0000?source={}", a.source)).await;
    assert!(user.contains(r#"id="user-access""#), "{user}");
    assert!(user.contains(PROD) && user.contains("AdministratorAccess") && user.contains("Admins"));
    assert!(user.contains("privileged"));
    let direct = admin_page(&a, &format!("/users/u-0003?source={}", a.source)).await;
    assert!(direct.contains(DEV) && direct.contains("ReadOnly") && direct.contains("direct"));
    let group = admin_page(&a, &format!("/groups/g-admins?source={}", a.source)).await;
    assert!(group.contains(r#"id="group-assignments""#), "{group}");
    assert!(
        group.contains(PROD) && group.contains("prod") && group.contains("AdministratorAccess")
    );
    assert!(!group.contains(DEV), "only the group's own assignments");
}

#[tokio::test]
async fn the_checks_page_shows_the_access_checks_and_their_settings() {
    let a = app().await;
    access_sync(&a, None).await;
    let path = format!("/checks?source={}", a.source);
    let page = admin_page(&a, &path).await;
    for id in ["ACC-01", "ACC-02", "ACC-03", "ACC-04", "ACC-05", "ACC-06"] {
        assert!(
            page.contains(&format!(r#"data-check="{id}""#)),
            "{id} missing"
        );
    }
    assert!(
        page.contains(r#"data-check="ACC-02" data-status="fail""#),
        "59 direct assignments"
    );
    assert!(
        page.contains(r#"data-check="ACC-04" data-status="fail""#),
        "PT12H is over 8 h"
    );
    assert!(page.contains(r#"id="save-access-settings""#));
    assert!(
        page.contains(r#"value="8""#),
        "the default maximum, in hours"
    );
    let all = admin_page(&a, &format!("{path}&check=ACC-02")).await;
    assert!(
        all.contains(r#"id="check-findings""#) && all.contains("59 entities at fault"),
        "{all}"
    );
    let auditor =
        crate::support::text(send(&a, "GET", &path, Who::Session(&a.auditor), None, None).await)
            .await;
    assert!(auditor.contains("ACC-01") && !auditor.contains(r#"id="save-access-settings""#));
}
