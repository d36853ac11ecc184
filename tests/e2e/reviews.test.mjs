// A whole access review in real headless Chromium against `roster demo`:
// the admin connects the Identity Store and syncs, invites a reviewer and
// opens a campaign; the reviewer (signed in through the invitation, seeing
// only their queue) revokes a membership with a comment; the admin removes
// it in the demo's fake AWS and syncs again; the campaign shows the item
// remediated, closes, and its downloaded bundle passes `roster evidence verify`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "./demo.mjs";

const shots = resolve(import.meta.dirname, "../../test-artifacts/e2e");
mkdirSync(shots, { recursive: true });
const bin = process.env.ROSTER_BIN || resolve(import.meta.dirname, "../../target/debug/roster");
let demo, browser, admin, reviewer;
const shot = (name, p) => p.screenshot({ path: `${shots}/review-${name}.png`, fullPage: true });

before(async () => {
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  reviewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  for (const p of [admin, reviewer]) p.on("dialog", (d) => d.accept());
});

after(async () => { await browser?.close(); demo?.stop(); });

/** Sync now from the source's settings and wait until `n` runs are complete. */
async function syncAndWait(sourceUrl, n) {
  await admin.goto(sourceUrl);
  await Promise.all([admin.waitForURL(/\/syncs/), admin.click("#sync-now")]);
  for (let i = 0; i < 120 && (await admin.locator('#syncs tr[data-status="complete"]').count()) < n; i++) {
    await admin.waitForTimeout(500);
    await admin.reload();
  }
  assert.ok((await admin.locator('#syncs tr[data-status="complete"]').count()) >= n, "the sync completes");
}

/** The admin connects the demo's Identity Store (wizard + simulated AWS console) and syncs. */
async function connectAndSync() {
  await admin.goto(demo.link);
  await admin.goto(`${demo.base}/sources`);
  await admin.fill("#catalog-search", "identity store");
  const card = admin.locator('.card[data-kind="aws-identity-store"]');
  await Promise.all([admin.waitForURL(/\/wizard$/), card.locator("input[type=checkbox]").click()]);
  const wizard = admin.url();
  const trust = await admin.textContent("#trust-policy");
  const permissions = await admin.textContent("#permissions-policy");
  await admin.goto(`${demo.base}/demo/aws`);
  await admin.fill("#role-name", "roster-identity-store");
  await admin.fill("#trust-policy", trust);
  await admin.fill("#permissions-policy", permissions);
  await Promise.all([admin.waitForLoadState(), admin.click("#create-role")]);
  const arn = (await admin.textContent("#role-arn-value")).trim();
  await admin.goto(wizard);
  await admin.fill("#role-arn", arn);
  await admin.waitForFunction(() => document.querySelector("#arn-reason").classList.contains("ok"));
  await admin.click("#connect-submit");
  await admin.waitForSelector("#configured:not([hidden])", { timeout: 60_000 });
  const sourceUrl = wizard.replace(/\/wizard$/, "");
  await syncAndWait(sourceUrl, 1);
  return sourceUrl;
}

test("an admin opens a campaign, a reviewer revokes, the next sync shows it remediated, the bundle verifies", async () => {
  const sourceUrl = await connectAndSync();
  const source = sourceUrl.split("/").pop();

  // Invite the reviewer.
  await admin.goto(`${demo.base}/settings/team`);
  await admin.fill("#invite-email", "reviewer@example.com");
  await admin.selectOption("#invite-role", "reviewer");
  await Promise.all([admin.waitForLoadState(), admin.click("#invite button[type=submit]")]);
  const invitation = (await admin.textContent("#invitation-link")).trim();
  assert.match(invitation, /^\/invite\//);

  // Open a campaign on the group memberships, every item to the reviewer.
  await admin.goto(`${demo.base}/reviews`);
  await Promise.all([admin.waitForURL(/\/reviews\/new$/), admin.click("#new-campaign")]);
  await admin.selectOption("#c-source", source);
  await admin.fill("#c-name", "Quarterly membership review");
  await admin.check('input[name=reviewer_rule][value=reviewer]');
  await admin.fill("#c-reviewer", "reviewer@example.com");
  await admin.fill("#c-due", "2031-01-31");
  await Promise.all([admin.waitForURL(/\/reviews\/rev_[0-9a-f]{16}$/), admin.click("#campaign-form button[type=submit]")]);
  const campaignUrl = admin.url();
  const campaign = campaignUrl.split("/").pop();
  const items = Number((await admin.textContent("#item-count")).trim());
  assert.ok(items > 100, `the whole population is frozen: ${items}`);
  await shot("01-campaign", admin);

  // The reviewer accepts the invitation and lands on their queue, and only there.
  await reviewer.goto(`${demo.base}${invitation}`);
  await reviewer.fill("#password", "a long reviewer passphrase 42");
  await Promise.all([reviewer.waitForURL(/\/reviews\/mine$/), reviewer.click("button[type=submit]")]);
  assert.deepEqual(await reviewer.locator("header nav a").allTextContents(), ["My reviews"]);
  await shot("02-queue", reviewer);
  const forbidden = await reviewer.goto(`${demo.base}/users`);
  assert.equal(forbidden.status(), 403);
  assert.equal((await reviewer.goto(campaignUrl)).status(), 403);
  await reviewer.goto(`${demo.base}/reviews/mine`);

  // Revoke the first item: without a comment it is refused, with one recorded.
  const row = reviewer.locator(`section[data-campaign="${campaign}"] tr[data-item]`).first();
  const item = await row.getAttribute("data-item");
  await Promise.all([reviewer.waitForLoadState(), row.locator('button[value="revoke"]').click()]);
  assert.match(await reviewer.textContent("#decision-error"), /comment/);
  const again = reviewer.locator(`tr[data-item="${item}"]`);
  await again.locator("input[name=comment]").fill("Left the team in June");
  await Promise.all([reviewer.waitForURL(/\/reviews\/mine$/), again.locator('button[value="revoke"]').click()]);
  assert.equal(await reviewer.locator(`tr[data-item="${item}"]`).count(), 0, "decided items leave the queue");
  // Keep the next two in one bulk decision (one record each).
  const next = reviewer.locator(`section[data-campaign="${campaign}"] tr[data-item]`);
  await next.nth(0).locator("input[type=checkbox]").check();
  await next.nth(1).locator("input[type=checkbox]").check();
  await Promise.all([reviewer.waitForURL(/\/reviews\/mine$/), reviewer.click(`#bulk-${campaign} button[type=submit]`)]);
  await shot("03-decided", reviewer);

  // The admin sees the revoke pending, removes the membership in the demo's AWS and syncs.
  const detail = await admin.request.get(`${demo.base}/api/v1/reviews/${campaign}?status=revoke`);
  const revoked = (await detail.json()).items;
  assert.equal(revoked.length, 1);
  assert.equal(revoked[0].comment, "Left the team in June");
  assert.equal(revoked[0].remediation, "pending");
  const kept = await (await admin.request.get(`${demo.base}/api/v1/reviews/${campaign}?status=keep`)).json();
  assert.equal(kept.items.length, 2);
  await admin.goto(`${demo.base}/demo/aws`);
  await admin.fill("#m-group", revoked[0].group_id);
  await admin.fill("#m-user", revoked[0].user_id);
  await Promise.all([admin.waitForLoadState(), admin.click("#remove-membership")]);
  assert.equal(await admin.isVisible("#membership-removed"), true, await admin.textContent("main"));
  await syncAndWait(sourceUrl, 2);

  await admin.goto(`${campaignUrl}?status=remediated`);
  await shot("04-remediated", admin);
  assert.equal(await admin.locator(`#items tr[data-item="${item}"] [data-remediation="remediated"]`).count(), 1);

  // Close, download the bundle, verify it with the CLI.
  await admin.click("#close button[type=submit]");
  await admin.waitForSelector("#close", { state: "detached" });
  assert.match(await admin.textContent("#parameters"), /closed/);
  const [download] = await Promise.all([admin.waitForEvent("download"), admin.click("#bundle")]);
  assert.match(download.suggestedFilename(), /^roster-review-rev_[0-9a-f]{16}\.zip$/);
  const out = execFileSync(bin, ["evidence", "verify", await download.path(), "--format", "json"], { encoding: "utf8" });
  assert.equal(JSON.parse(out).status, "ok", out);
});
