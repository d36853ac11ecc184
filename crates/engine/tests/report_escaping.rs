//! The evidence report escapes every directory value: names with markup
//! and quotes come out as text, never as HTML.
#![allow(clippy::unwrap_used)]

use roster_engine::evidence::{AsOf, ReportData, check_report, diff, render};

mod evidence_support;

use evidence_support::Names;

const NAMES: Names = Names {
    source: "prod <directory> & Bob's \"team\"",
    group: "=platform-admins <b>'x'</b>",
    second_user: "<script>alert(\"x\")</script>",
    display: |name| format!("Ünïcode, \"{name}\" O'Brien & <script>alert(1)</script>\nline"),
};

#[tokio::test]
async fn directory_values_with_markup_and_quotes_are_escaped_in_the_report() {
    let f = evidence_support::two_snapshots(&NAMES).await;
    let snap = &f.second;
    let run = f.store.get_sync(&f.tenant, snap.sync_id).await.unwrap();
    let source = f.store.get_source(&f.tenant, &f.source).await.unwrap();
    let checks = check_report(f.store.as_ref(), &f.tenant, snap, AsOf::SnapshotEnd)
        .await
        .unwrap();
    let d = diff(
        f.store.as_ref(),
        &f.tenant,
        &f.source,
        None,
        Some(snap.sync_id),
    )
    .await
    .unwrap();
    let data = ReportData::gather(
        f.store.as_ref(),
        &f.tenant,
        &source,
        &run,
        &checks,
        d.as_ref(),
    )
    .await
    .unwrap();
    let html = render(&data);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>'x'</b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("=platform-admins &lt;b&gt;&#39;x&#39;&lt;/b&gt;"));
    assert!(html.contains("prod &lt;directory&gt; &amp; Bob&#39;s &quot;team&quot;"));
}
