// The Access page in real headless Chromium against `roster demo`: connect
// the SSO source to the demo's organization (its wizard, the simulated AWS
// console), wait for the worker to collect access, then walk what an
// auditor does: the Access page → "Privileged only" → a privileged
// permission set's page (why it is privileged, its policies, who holds it)
// → by account → a user's own access.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "./demo.mjs";

const shots = resolve(import.meta.dirname, "../../test-artifacts/e2e");
mkdirSync(shots, { recursive: true });
let demo, browser, context, page;
const shot = (name) => page.screenshot({ path: `${shots}/access-${name}.png`, fullPage: true });

before(async () => {
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(demo.link);
});

after(async () => { await browser?.close(); demo?.stop(); });

/** The SSO card's wizard, a role from its policies, connected; the source's ID. */
async function connectSso() {
  await page.goto(`${demo.base}/sources`);
  await page.fill("#catalog-search", "permission sets");
  const card = page.locator('.card[data-kind="aws-sso"]');
  await Promise.all([page.waitForURL(/\/wizard$/), card.locator("input[type=checkbox]").click()]);
  const source = page.url().match(/\/sources\/([^/]+)\/wizard$/)[1];
  const trust = await page.textContent("#trust-policy");
  const permissions = await page.textContent("#permissions-policy");
  const aws = await context.newPage();
  await aws.goto(`${demo.base}/demo/aws`);
  await aws.selectOption("#account", "management");
  await aws.fill("#role-name", "roster-access-walk");
  await aws.fill("#trust-policy", trust);
  await aws.fill("#permissions-policy", permissions);
  await Promise.all([aws.waitForLoadState(), aws.click("#create-role")]);
  const arn = (await aws.textContent("#role-arn-value")).trim();
  await aws.close();
  await page.fill("#role-arn", arn);
  await page.waitForFunction(() => document.querySelector("#arn-reason").classList.contains("ok"));
  await page.click("#connect-submit");
  await page.waitForSelector("#configured:not([hidden]), #diagnosis:not([hidden])", { timeout: 120_000 });
  assert.equal(await page.isVisible("#configured"), true, await page.textContent("#diagnosis"));
  return source;
}

async function rowFlags() {
  return page.locator("table.access tbody tr").evaluateAll((rows) =>
    rows.map((r) => ({ privileged: r.dataset.privileged, direct: r.dataset.direct, orphaned: r.dataset.orphaned })));
}

test("an auditor's walk: Access page, privileged only, a permission set, by account, a user", async () => {
  const source = await connectSso();
  const access = `${demo.base}/access?source=${source}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    await page.goto(access);
    if (await page.locator("#access-meta").count()) break;
    assert.ok(Date.now() < deadline, `no access snapshot within 120 s: ${await page.textContent("main")}`);
    await page.waitForTimeout(1_000);
  }
  await shot("01-by-user");
  assert.equal(await page.locator('nav a.active[href="/access"]').count(), 1, "the navigation's Access entry");
  const all = await rowFlags();
  assert.ok(all.length > 0);
  assert.ok(all.some((r) => r.direct === "true") && all.some((r) => r.direct === "false"), "direct and via group");

  await page.check('input[name="privileged"]');
  await Promise.all([page.waitForURL(/privileged=true/), page.click('#access-filters button[type="submit"]')]);
  await shot("02-privileged");
  const privileged = await rowFlags();
  assert.ok(privileged.length > 0);
  assert.ok(privileged.every((r) => r.privileged === "true"), JSON.stringify(privileged));
  assert.equal(await page.isChecked('input[name="privileged"]'), true);

  const admin = page.locator('table.access a[href^="/permission-sets/"]', { hasText: "AdministratorAccess" }).first();
  await Promise.all([page.waitForURL(/\/permission-sets\/ps-/), admin.click()]);
  await shot("03-permission-set");
  assert.match(await page.textContent("h1"), /AdministratorAccess/);
  assert.match(await page.textContent("#privileged-reasons"), /AdministratorAccess attached/);
  assert.match(await page.textContent("#managed-policies"), /arn:aws:iam::aws:policy\/AdministratorAccess/);
  assert.ok((await page.locator("#provisioned-accounts tbody tr").count()) > 0);
  assert.ok((await page.locator("table.access tbody tr").count()) > 0, "who holds it");

  await page.goto(`${access}&view=accounts`);
  await shot("04-by-account");
  const first = page.locator("#accounts tbody tr").first();
  const account = (await first.locator("code").textContent()).trim();
  await Promise.all([page.waitForURL(/account=\d{12}/), first.locator("text=Who can reach it").click()]);
  const accounts = await page.locator("table.access tbody tr td:nth-child(2) a").allTextContents();
  assert.ok(accounts.every((a) => a.trim() === account), `only ${account}: ${accounts}`);

  await page.goto(`${access}&direct=true`);
  const user = page.locator('table.access tbody tr[data-orphaned="false"] a[href^="/users/"]').first();
  await Promise.all([page.waitForURL(/\/users\//), user.click()]);
  await shot("05-user");
  assert.ok((await page.locator("#user-access table.access tbody tr").count()) > 0, "the user's own access");
});
