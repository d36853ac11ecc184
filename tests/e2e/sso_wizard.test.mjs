// The SSO source's journey in real headless Chromium against `roster demo`:
// turn the "AWS IAM Identity Center (SSO)" card on, copy its trust and
// inline policies (with the SSO statement) into the simulated AWS console,
// submit the ARN and watch all seven steps pass; then the same with the SSO
// statement written as identitycenter: actions, diagnosed as
// sso-wrong-prefix; then "Also collect access" from an Identity Store
// connection's settings, diagnosed until the role gains the statement.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "./demo.mjs";

const shots = resolve(import.meta.dirname, "../../test-artifacts/e2e");
mkdirSync(shots, { recursive: true });
let demo, browser, context, page;
const shot = (name, p = page) => p.screenshot({ path: `${shots}/sso-${name}.png`, fullPage: true });
const SSO_STEPS = ["sso-permission-sets", "sso-accounts", "sso-assignments"];

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
  await page.goto(demo.link);
});

after(async () => { await browser?.close(); demo?.stop(); });

/** Sources page → the card of `kind` → toggle on → its wizard (same tab). */
async function openWizard(kind, search) {
  await page.goto(`${demo.base}/sources`);
  await page.fill("#catalog-search", search);
  const card = page.locator(`.card[data-kind="${kind}"]`);
  assert.equal(await card.isVisible(), true, `${kind} is listed`);
  assert.equal(await card.locator("text=Coming soon").count(), 0, "the card can be turned on");
  await Promise.all([page.waitForURL(/\/wizard$/), card.locator("input[type=checkbox]").click()]);
  return { trust: await page.textContent("#trust-policy"), permissions: await page.textContent("#permissions-policy") };
}

/** The simulated AWS console, in a second tab. */
async function createRole({ name, trust, permissions }) {
  const aws = await context.newPage();
  await aws.goto(`${demo.base}/demo/aws`);
  await aws.selectOption("#account", "management");
  await aws.fill("#role-name", name);
  await aws.fill("#trust-policy", trust);
  await aws.fill("#permissions-policy", permissions);
  await Promise.all([aws.waitForLoadState(), aws.click("#create-role")]);
  const arn = (await aws.textContent("#role-arn-value")).trim();
  await aws.close();
  return arn;
}

async function submitArn(arn) {
  await page.fill("#role-arn", arn);
  await page.waitForFunction(() => document.querySelector("#arn-reason").classList.contains("ok"));
  await page.click("#connect-submit");
  await page.waitForSelector("#configured:not([hidden]), #diagnosis:not([hidden])", { timeout: 120_000 });
}

async function stepStatuses() {
  const out = {};
  for (const li of await page.locator("#steps li").all()) out[await li.getAttribute("data-step")] = await li.getAttribute("data-status");
  return out;
}

test("the SSO card opens its own wizard and a role from its policies connects with every SSO step green", async () => {
  const { trust, permissions } = await openWizard("aws-sso", "permission sets");
  await shot("01-wizard");
  assert.match(await page.textContent("h1"), /Connect AWS IAM Identity Center \(SSO\)/);
  assert.match(trust, /"sts:ExternalId": "[A-Za-z0-9+=,.@:\/_-]{32,}"/);
  const policy = JSON.parse(permissions);
  const sids = policy.Statement.map((s) => s.Sid);
  assert.deepEqual(sids, ["RosterReadIdentityStore", "RosterDiscoverIdentityCenter", "RosterReadIdentityCenterAccess"]);
  const sso = policy.Statement[2].Action;
  assert.ok(sso.includes("sso:ListPermissionSets") && sso.includes("organizations:ListAccounts"), sso.join());
  assert.ok(sso.every((a) => a.startsWith("sso:") || a.startsWith("organizations:")), sso.join());
  await page.click('button[data-tab="tab-aws"]');
  await shot("02-wizard-aws-tab");
  for (const id of ["#cloudformation", "#terraform", "#aws-cli"]) {
    const text = await page.textContent(id);
    assert.ok(text.includes("sts:ExternalId") && text.includes("sso:ListAccountAssignments"), id);
  }
  assert.match(await page.textContent("#tab-aws"), /identitycenter:/, "the wizard warns about the wrong prefix");
  await page.click('button[data-tab="tab-roster"]');
  for (const step of SSO_STEPS) assert.equal(await page.locator(`#steps li[data-step="${step}"]`).count(), 1, step);

  const arn = await createRole({ name: "roster-identity-center", trust, permissions });
  await submitArn(arn);
  await shot("03-connection-configured");
  assert.equal(await page.isVisible("#configured"), true, await page.textContent("#diagnosis"));
  const statuses = await stepStatuses();
  assert.equal(Object.keys(statuses).length, 7);
  for (const [step, status] of Object.entries(statuses)) assert.equal(status, "passed", step);
  assert.match(await page.textContent('#steps li[data-step="sso-permission-sets"] .detail'), /permission set\(s\) on arn:aws:sso:::instance\//);
  assert.equal(await page.isVisible("#configured-access"), true);
  await page.click("text=Open the source's settings");
  assert.match(await page.textContent("#collects-access"), /^yes/);
  assert.equal(await page.locator("#also-collect-access").count(), 0);
});

test("an SSO statement written with identitycenter: is diagnosed as sso-wrong-prefix, naming the denied action", async () => {
  const { trust, permissions } = await openWizard("aws-sso", "SSO");
  const policy = JSON.parse(permissions);
  policy.Statement[2].Action = policy.Statement[2].Action.map((a) => a.replace(/^sso:/, "identitycenter:"));
  const arn = await createRole({ name: "roster-identitycenter-prefix", trust, permissions: JSON.stringify(policy) });
  await submitArn(arn);
  await shot("04-wrong-prefix");
  assert.equal(await page.isVisible("#diagnosis"), true);
  assert.equal((await page.textContent("#diagnosis-code")).trim(), "sso-wrong-prefix");
  assert.match(await page.textContent("#diagnosis-cause"), /sso:ListPermissionSets/);
  assert.match(await page.textContent("#diagnosis-fix"), /identitycenter: and sso-directory: grant nothing here/);
  const statuses = await stepStatuses();
  assert.equal(statuses["probe-reads"], "passed");
  assert.equal(statuses["sso-permission-sets"], "failed");
  assert.equal(statuses["sso-assignments"], "skipped");
});

test("an Identity Store connection's settings offer 'Also collect access'; without the statement it is sso-access-denied", async () => {
  const { trust, permissions } = await openWizard("aws-identity-store", "identity store");
  assert.equal(await page.locator('#steps li[data-step="sso-accounts"]').count(), 0, "no SSO step for the directory");
  const arn = await createRole({ name: "roster-directory-only", trust, permissions });
  await submitArn(arn);
  assert.equal(await page.isVisible("#configured"), true, await page.textContent("#diagnosis"));
  await page.click("text=Open the source's settings");
  assert.match(await page.textContent("#collects-access"), /^no/);
  await Promise.all([page.waitForURL(/collect=access$/), page.click("#also-collect-access")]);
  await shot("05-also-collect-access");
  const statement = JSON.parse(await page.textContent("#sso-statement"));
  assert.equal(statement.Sid, "RosterReadIdentityCenterAccess");
  assert.equal(await page.inputValue("#role-arn"), arn, "the same role");
  await page.waitForFunction(() => document.querySelector("#arn-reason").classList.contains("ok"));
  await page.click("#connect-submit");
  await page.waitForSelector("#configured:not([hidden]), #diagnosis:not([hidden])", { timeout: 120_000 });
  await shot("06-also-collect-access-denied");
  assert.equal((await page.textContent("#diagnosis-code")).trim(), "sso-access-denied");
  assert.match(await page.textContent("#diagnosis-cause"), /sso:ListPermissionSets/);
});
