// The seed's journey in real headless Chromium against `roster demo`: sign
// in, find the card, toggle it on, copy the trust policy, create the role on
// the simulated AWS console, submit the ARN, see "Connection Configured",
// sync, see users and groups, the checks and a bundle that verifies; then
// the three Troubleshooting failures.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "./demo.mjs";

const shots = resolve(import.meta.dirname, "../../test-artifacts/e2e");
mkdirSync(shots, { recursive: true });
let demo, browser, context, page;
const shot = (name, p = page) => p.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

before(async () => {
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: demo.base });
  page = await context.newPage();
  page.on("dialog", (d) => d.accept());
});

after(async () => { await browser?.close(); demo?.stop(); });

/** Sources page → search → toggle the Identity Store card on → the wizard (same tab). */
async function openWizard() {
  await page.goto(`${demo.base}/sources`);
  await page.fill("#catalog-search", "identity store");
  const card = page.locator('.card[data-kind="aws-identity-store"]');
  assert.equal(await page.locator('.card[data-kind="aws-sso"]').isVisible(), false, "search hides the SSO card");
  await Promise.all([page.waitForURL(/\/wizard$/), card.locator("input[type=checkbox]").click()]);
  return { trust: await page.textContent("#trust-policy"), permissions: await page.textContent("#permissions-policy") };
}

/** The simulated AWS console, in a second tab like the customer's AWS console. */
async function createRole({ name, trust, permissions, account = "management" }) {
  const aws = await context.newPage();
  await aws.goto(`${demo.base}/demo/aws`);
  await aws.selectOption("#account", account);
  await aws.fill("#role-name", name);
  await aws.fill("#trust-policy", trust);
  await aws.fill("#permissions-policy", permissions);
  await Promise.all([aws.waitForLoadState(), aws.click("#create-role")]);
  await shot(`role-${name}`, aws);
  const arn = (await aws.textContent("#role-arn-value")).trim();
  await aws.close();
  return arn;
}

async function submitArn(arn) {
  await page.fill("#role-arn", arn);
  await page.waitForFunction(() => document.querySelector("#arn-reason").classList.contains("ok"));
  await page.click("#connect-submit");
  await page.waitForSelector("#configured:not([hidden]), #diagnosis:not([hidden])", { timeout: 60_000 });
}

test("a new user connects the Identity Store and sees the directory", async () => {
  await page.goto(demo.link);
  assert.match(page.url(), /\/sources$/);
  await shot("01-sources");
  const { trust, permissions } = await openWizard();
  await shot("02-wizard");
  await page.click('button[data-copy="trust-policy"]');
  // The copy handler is asynchronous (clipboard API, then a fallback).
  await page.waitForFunction(() => window.__rosterLastCopied !== undefined, null, { timeout: 10_000 });
  const copied = await page.evaluate(() => window.__rosterLastCopied);
  assert.equal(copied, trust);
  assert.match(copied, /"sts:ExternalId": "[A-Za-z0-9+=,.@:\/_-]{32,}"/);
  await page.click('button[data-tab="tab-aws"]');
  await shot("03-wizard-aws-tab");
  for (const id of ["#cloudformation", "#terraform", "#aws-cli"]) assert.ok((await page.textContent(id)).includes("sts:ExternalId"));
  await page.click('button[data-tab="tab-roster"]');
  await page.fill("#role-arn", "arn:aws:iam::12345:role/x");
  await page.waitForFunction(() => document.querySelector("#arn-reason").textContent.length > 0);
  assert.equal(await page.isDisabled("#connect-submit"), true, "an invalid ARN cannot be submitted");
  const arn = await createRole({ name: "roster-identity-store", trust: copied, permissions });
  await submitArn(arn);
  await shot("04-connection-configured");
  assert.equal(await page.isVisible("#configured"), true, await page.textContent("#diagnosis"));
  assert.match(await page.textContent("#configured h2"), /Connection Configured/);
  const storeId = (await page.textContent("#configured-store-id")).trim();
  assert.match(storeId, /^d-[0-9a-f]{10}$/);
  for (const li of await page.locator("#steps li").all()) assert.equal(await li.getAttribute("data-status"), "passed");

  await page.click("text=Open the source's settings");
  assert.equal((await page.textContent("#identity-store-id")).trim(), storeId);
  await Promise.all([page.waitForURL(/\/syncs/), page.click("#sync-now")]);
  for (let i = 0; i < 60 && (await page.locator('#syncs tr[data-status="complete"]').count()) < 1; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await shot("05-syncs");
  assert.ok((await page.locator('#syncs tr[data-status="complete"]').count()) >= 1, "the sync completes");
  await page.click("nav >> text=Users");
  await shot("06-users");
  assert.ok((await page.locator("#users tbody tr").count()) > 10);
  await page.click("nav >> text=Groups");
  await shot("07-groups");
  assert.ok((await page.locator("#groups tbody tr").count()) > 5);
  await page.locator("#groups tbody a").first().click();
  await shot("08-group-detail");
});

test("after the sync, the Checks page lists IDS-01 … IDS-09 and a downloaded bundle verifies", async () => {
  await page.click("nav >> text=Checks");
  await page.waitForSelector("#checks");
  await shot("09-checks");
  assert.equal(await page.locator("#checks > tbody > tr").count(), 9);
  assert.ok((await page.textContent("#check-summary")).includes("pass"));
  await page.click("nav >> text=Evidence");
  const row = page.locator("#bundles tbody tr").first();
  const [download] = await Promise.all([page.waitForEvent("download"), row.locator("text=Download bundle").click()]);
  assert.match(download.suggestedFilename(), /^roster-evidence-.*\.zip$/);
  await page.setInputFiles("#bundle-file", await download.path());
  await Promise.all([page.waitForURL(/\/evidence\/verify$/), page.click("#verify-bundle")]);
  await shot("10-evidence-verified");
  assert.equal(await page.getAttribute("#verify-result", "data-valid"), "true", await page.textContent("#verify-result"));
});

async function failure(name, role) {
  const { trust, permissions } = await openWizard();
  const arn = await createRole({ name, ...role({ trust, permissions }) });
  await submitArn(arn);
  await shot(`fail-${name}`);
  assert.equal(await page.isVisible("#diagnosis"), true);
  return (await page.textContent("#diagnosis-code")).trim();
}

test("an External ID mismatch is diagnosed as assume-role-denied", async () => {
  const code = await failure("roster-wrong-external-id", ({ trust, permissions }) => ({
    trust: trust.replace(/"sts:ExternalId": "[^"]+"/, '"sts:ExternalId": "some-other-external-id-0123456789abcdef"'),
    permissions,
  }));
  assert.equal(code, "assume-role-denied");
  assert.match(await page.textContent("#diagnosis-fix"), /sts:ExternalId/);
});

test("sso: actions instead of identitystore: are diagnosed as identitystore-access-denied", async () => {
  const code = await failure("roster-sso-actions", ({ trust }) => ({
    trust,
    permissions: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sso:ListInstances", "sso:ListRegions", "sso:Describe*"], Resource: "*" }] }),
  }));
  assert.equal(code, "identitystore-access-denied");
  assert.match(await page.textContent("#diagnosis-cause"), /identitystore:ListUsers/);
});

test("a role in a member account (account instance) is diagnosed as an empty directory", async () => {
  const code = await failure("roster-member-account", ({ trust, permissions }) => ({ trust, permissions, account: "member" }));
  assert.ok(["empty-directory", "account-instance", "wrong-account"].includes(code), code);
  assert.match(await page.textContent("#diagnosis-fix"), /management account/);
});
