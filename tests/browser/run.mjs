// The web app in a real browser (issue 16): Debian's Chromium, headless, driven by
// playwright-core. Each step is what a coordinator or a référent does; each check is what she
// would see. Run by .ci/run:
//
//   PARCOURS_BIN=target/debug/parcours node tests/browser/run.mjs [--screenshots DIR]
//
// It makes its own database (the reference territory, from fixtures/territory) in a temporary
// folder, its sign-ins, a bearer token to read the API and R-01's calendar feed, starts
// `parcours serve` on a free port, and stops it at the end. Fails (exit 1) at the first check
// that does not hold, or on any console error of any page.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const bin = resolve(process.env.PARCOURS_BIN ?? join(root, "target", "debug", "parcours"));
const shotsAt = process.argv.indexOf("--screenshots");
const shots = shotsAt > 0 ? resolve(process.argv[shotsAt + 1]) : null;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const WEEK = "2026-W49";
const COORDINATOR = { login: "claire", password: "une phrase de passe" };
const REFERENT = { login: "amina", password: "mot de passe de R-01" };

const work = mkdtempSync(join(tmpdir(), "parcours-browser-"));
const db = `sqlite://${join(work, "parcours.db")}`;

/** Runs the CLI on the test database; its standard output. */
function cli(args, input) {
  const out = spawnSync(bin, ["--database-url", db, ...args], {
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, RUST_LOG: "warn" },
  });
  if (out.status !== 0) {
    throw new Error(`parcours ${args.join(" ")}: exit ${out.status}\n${out.stdout}${out.stderr}`);
  }
  return out.stdout;
}

function step(text) {
  console.log(`browser: ${text}`);
}

step(`setting up ${work}`);
cli(["import", join(root, "fixtures", "territory")]);
cli(["user", "add", "--role", "coordinator", "--person", "C-01", "--login", COORDINATOR.login], `${COORDINATOR.password}\n`);
cli(["user", "add", "--role", "referent", "--person", "R-01", "--login", REFERENT.login], `${REFERENT.password}\n`);
const apiToken = cli(["user", "add", "--role", "coordinator", "--person", "C-01"]).trim().split("\n").pop().trim();
const feedPrinted = cli(["feed", "add", "--person", "R-01", "--base-url", "http://feeds.invalid"]);
const feedPath = feedPrinted.match(/http:\/\/feeds\.invalid(\/feeds\/[0-9a-f]{64}\.ics)/)[1];

// The server, on a port the system picks; its address is on its first line of stderr.
const server = spawn(bin, ["--database-url", db, "serve", "--listen", "127.0.0.1:0"], {
  env: { ...process.env, RUST_LOG: "info" },
  stdio: ["ignore", "ignore", "pipe"],
});
let serverLog = "";
const base = await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`the server did not start:\n${serverLog}`)), 30000);
  server.stderr.setEncoding("utf8");
  server.stderr.on("data", (chunk) => {
    serverLog += chunk;
    const m = serverLog.match(/écoute sur (http:\/\/[0-9.:]+) /);
    if (m) {
      clearTimeout(timer);
      ok(m[1]);
    }
  });
  server.on("exit", (code) => fail(new Error(`the server exited (${code}):\n${serverLog}`)));
});
step(`server at ${base}`);

async function api(path, body) {
  const init = { headers: { Authorization: `Bearer ${apiToken}` } };
  if (body !== undefined) {
    Object.assign(init, { method: "POST", body: JSON.stringify(body) });
    init.headers["Content-Type"] = "application/json";
  }
  const r = await fetch(base + path, init);
  assert.equal(r.status, body === undefined ? 200 : 202, `${path}: ${r.status}`);
  return r.json();
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const consoleErrors = [];
// Set around a step that asks for a refusal on purpose (a wrong password's 401): the browser
// logs the refused document's status as a console error.
let refusalExpected = false;
async function newPage(viewport) {
  const context = await browser.newContext({ viewport, locale: "fr-FR" });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" && !refusalExpected) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}
async function shot(page, name) {
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: name !== "semaine" });
  }
}
/** Tabs until the focused element matches `test` (at most `max` presses); fails otherwise. */
async function tabTo(page, what, test, max = 200) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate(test);
    if (hit) return;
  }
  throw new Error(`the keyboard never reached ${what}`);
}

let failed = false;
try {
  // --- A coordinator, from the keyboard only: sign in, plan, wait, read the grid, publish.
  const page = await newPage({ width: 1400, height: 900 });
  await page.goto(base + "/");
  assert.match(page.url(), /\/connexion$/, "signed out, / shows the sign-in page");
  await shot(page, "connexion");
  step("signing in as the coordinator, from the keyboard");
  await page.keyboard.type(COORDINATOR.login); // the login field has the focus
  await page.keyboard.press("Tab");
  await page.keyboard.type("pas le bon");
  refusalExpected = true;
  await page.keyboard.press("Enter");
  await page.waitForSelector("[role=alert]");
  refusalExpected = false;
  assert.match(await page.textContent("[role=alert]"), /Identifiant ou mot de passe incorrect/);
  await page.fill("#password", COORDINATOR.password);
  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/semaine/${WEEK}$`));
  assert.match(await page.textContent("main"), /Aucun plan n'a encore été calculé/);

  step("planning the week (one week, with today's practice) from the keyboard");
  await tabTo(page, "the week count", () => document.activeElement?.id === "weeks");
  await page.selectOption("#weeks", "1");
  await tabTo(page, "« Planifier »", () => document.activeElement?.textContent?.startsWith("Planifier la semaine"));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/calcul\/\d+$/);
  const progress = await page.textContent("dl.progress");
  assert.match(progress, /État/);
  await shot(page, "calcul");
  await page.waitForURL(new RegExp(`/semaine/${WEEK}\\?plan=1$`), { timeout: 240000 });
  assert.match(await page.textContent("[role=status]"), /Plan calculé et enregistré : version 1/);

  step("the grid against the API's plan");
  const plan = await api(`/api/v1/weeks/${WEEK}/plan`);
  assert.equal(plan.version, 1);
  for (const her of plan.figures.referents) {
    const blocks = await page.locator(`tr[data-referent="${her.referent}"] li.visit`).count();
    assert.equal(blocks, her.visits, `${her.referent}: ${blocks} blocks, ${her.visits} visits planned`);
  }
  assert.ok(plan.figures.visits_placed > 0);
  assert.equal(
    await page.textContent("[data-figure=visits]"),
    String(plan.figures.visits_placed),
  );
  // Unplaced visits grouped by cause, today's practice beside it.
  const unmet = plan.figures.unmet_by_cause.reduce((n, g) => n + g.visits.length, 0);
  assert.match(await page.textContent("#non-placees"), new RegExp(`\\(${unmet}\\)`));
  assert.equal(await page.locator("#non-placees ~ details").count(), plan.figures.unmet_by_cause.length);
  assert.match(await page.textContent("section[aria-labelledby=pratique]"), /pratique actuelle : \d+ visites/);
  await shot(page, "semaine");
  // The eight weeks from here, simulated in the background while the coordinator goes on (a
  // short limit per week: a debug build), shown further down the week once done.
  assert.match(await page.textContent("#huit-semaines"), /Pas encore simulées/);
  assert.equal((await api(`/api/v1/weeks/${WEEK}/horizon`, { time_limit_seconds: 0.1 })).status, "running");

  step("fixing a visit by dragging it to another day, the rest planned again around it");
  const mine = plan.referents.find((r) => r.referent === "R-01");
  const hhmm = (t) => t.slice(11, 16);
  let pick = null;
  for (const day of mine.days) {
    for (const v of day.stops.filter((s) => s.kind === "visit" && hhmm(s.start) >= "09:30" && hhmm(s.start) <= "11:00")) {
      const target = mine.days.find((d) => d.date !== day.date && d.stops.length > 0 &&
        !d.stops.some((s) => s.kind === "fixed" && hhmm(s.start) < hhmm(v.end) && hhmm(v.start) < hhmm(s.end)));
      if (target && !pick) pick = { family: v.family, from: day.date, to: target.date, start: hhmm(v.start) };
    }
  }
  assert.ok(pick, "R-01 has a visit that can go to another of her days");
  // Her whole row in view, so that nothing scrolls between picking the block up and dropping
  // it (the pointer would then pick up whichever block came under it).
  await page.setViewportSize({ width: 1400, height: 2400 });
  await page.dragAndDrop(
    `tr[data-referent="R-01"] li.visit[data-family="${pick.family}"]`,
    `tr[data-referent="R-01"] td[data-date="${pick.to}"]`,
  );
  // (A navigation started by a drop escapes Playwright's navigation waits: poll the URL.)
  for (let i = 0; i < 240 && !page.url().endsWith(`?fixe=${pick.family}&version=2`); i++) {
    await page.waitForTimeout(250);
  }
  assert.ok(page.url().endsWith(`?fixe=${pick.family}&version=2`), `pinned: ${page.url()}`);
  await page.setViewportSize({ width: 1400, height: 900 });
  assert.match(await page.textContent("[role=status]"), new RegExp(`Visite ${pick.family} fixée`));
  const pinned = await api(`/api/v1/weeks/${WEEK}/plan`);
  assert.equal(pinned.version, 2);
  const findVisit = (p) => p.referents.flatMap((r) => r.days.flatMap((d) => d.stops.map((s) => ({ ...s, date: d.date, referent: r.referent }))))
    .find((s) => s.family === pick.family);
  const there = findVisit(pinned);
  assert.deepEqual([there.referent, there.date, hhmm(there.start), there.confirmed], ["R-01", pick.to, pick.start, true]);
  assert.equal(await page.locator(`td[data-date="${pick.to}"] li.visit[data-family="${pick.family}"]`).count(), 1);

  step("re-planning the week from the keyboard: the fixed visit holds");
  assert.equal(await page.isChecked("#replan"), true, "a re-plan keeps what holds, by default");
  await tabTo(page, "« Planifier »", () => document.activeElement?.textContent?.startsWith("Planifier la semaine"));
  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/semaine/${WEEK}\\?plan=3$`), { timeout: 240000 });
  const replanned = await api(`/api/v1/weeks/${WEEK}/plan`);
  const still = findVisit(replanned);
  assert.deepEqual([still.referent, still.date, hhmm(still.start)], ["R-01", pick.to, pick.start]);

  step("publishing, and R-01's feed follows");
  const before = await (await fetch(base + feedPath)).text();
  assert.doesNotMatch(before, /BEGIN:VEVENT/, "nothing published yet");
  await tabTo(page, "« Publier »", () => document.activeElement?.textContent?.startsWith("Publier la version"));
  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/semaine/${WEEK}\\?publie=3$`));
  assert.match(await page.textContent("[role=status]"), /Version 3 publiée/);
  const after = await (await fetch(base + feedPath)).text();
  const r01 = replanned.figures.referents.find((r) => r.referent === "R-01");
  assert.equal((after.match(/BEGIN:VEVENT/g) ?? []).length >= r01.visits, true, "her visits are in her feed");
  assert.match(after, /SUMMARY:Visite F-\d{4}/);

  step("the map: each visit labelled, the unplaced drawn, today's practice beside");
  await page.click("text=Voir la carte des tournées");
  await page.waitForURL(new RegExp(`/semaine/${WEEK}/carte$`));
  const labelled = await page.locator(".map circle.visit").count();
  assert.ok(labelled >= replanned.figures.visits_placed, `${labelled} visits on the map`);
  assert.match(await page.locator(".map circle.visit title").first().textContent(), /^F-\d{4} · R-\d{2} · /);
  assert.ok((await page.locator(".map circle.unplaced").count()) > 0, "the unplaced visits are drawn");
  assert.match(await page.textContent(".map"), /Pratique actuelle/);
  await shot(page, "carte");
  await page.goBack();

  step("creating R-02's calendar feed: its links once, a QR code; revoking it");
  await page.click("nav >> text=Abonnements");
  await page.waitForURL(/\/abonnements$/);
  await page.fill("#person", "R-02");
  await page.click("text=Créer l'abonnement");
  await page.waitForSelector("[data-feed=https]");
  const link = await page.textContent("[data-feed=https]");
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/feeds\/[0-9a-f]{64}\.ics$/);
  assert.match(await page.getAttribute("[data-feed=webcal]", "href"), /^webcal:\/\/127\.0\.0\.1:\d+\/feeds\//);
  assert.equal(await page.locator("figure.qr svg").count(), 1);
  assert.equal((await fetch(link)).status, 200);
  await shot(page, "abonnements");
  await page.goto(`${base}/abonnements`);
  assert.equal(await page.locator(`text=${link.slice(-20)}`).count(), 0, "the address is shown once only");
  const subscription = await page.locator("tr[data-subscription]").last().getAttribute("data-subscription");
  await page.click(`tr[data-subscription="${subscription}"] button`);
  await page.waitForURL(new RegExp(`/abonnements\\?revoque=${subscription}$`));
  assert.equal((await fetch(link)).status, 404, "a revoked feed answers 404");

  step("a family's form: a bad value is refused next to its field, nothing saved");
  await page.click("nav >> text=Familles");
  await page.waitForURL(/\/familles$/);
  await page.selectOption("#referent", "R-01");
  await page.click("text=Rechercher");
  await page.waitForURL(/referent=R-01/);
  const listed = await page.locator("tr[data-family]").count();
  assert.ok(listed > 0 && listed < 120, `R-01's families listed (${listed})`);
  const family = await page.locator("tr[data-family]").first().getAttribute("data-family");
  await page.click(`tr[data-family="${family}"] a`);
  await page.waitForURL(new RegExp(`/familles/${family}$`));
  const availability = await page.inputValue("#f-availability");
  await page.fill("#f-availability", "lundi 25:00-26:00");
  refusalExpected = true;
  await page.click("text=Enregistrer");
  await page.waitForSelector("[role=alert]");
  refusalExpected = false;
  const error = await page.textContent("[data-field=availability] .error");
  assert.ok(error && error.length > 5, "the error is next to the availability field");
  assert.equal(await page.getAttribute("#f-availability", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#f-availability"), "lundi 25:00-26:00", "what she typed stays");
  await shot(page, "famille-erreur");
  const unchanged = await (await fetch(`${base}/api/v1/families/${family}`, { headers: { Authorization: `Bearer ${apiToken}` } })).json();
  assert.equal(unchanged.availability, availability, "nothing was saved");

  step("an import with a bad file is refused with its line and column, nothing written");
  await page.click("nav >> text=Import");
  await page.waitForURL(/\/import$/);
  const header = readFileSync(join(root, "fixtures", "territory", "familles.csv"), "utf8").split(/\r?\n/)[0];
  const good = readFileSync(join(root, "fixtures", "territory", "familles.csv"), "utf8").split(/\r?\n/)[1];
  const cells = good.split(";");
  const column = header.split(";").indexOf("disponibilites");
  cells[column] = "lundi 18:00-09:00";
  await page.setInputFiles("#files", {
    name: "familles.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${header}\n${cells.join(";")}\n`),
  });
  refusalExpected = true;
  await page.click("text=Vérifier et importer");
  await page.waitForSelector("table.issues");
  refusalExpected = false;
  const row = page.locator("table.issues tbody tr").first();
  assert.equal(await row.getAttribute("data-file"), "familles.csv");
  assert.equal(await row.getAttribute("data-line"), "2");
  assert.equal(await row.getAttribute("data-column"), "disponibilites");
  assert.match(await page.textContent("[role=alert]"), /rien n'a été modifié/);
  await shot(page, "import-erreur");
  const code = cells[0];
  const kept = await (await fetch(`${base}/api/v1/families/${code}`, { headers: { Authorization: `Bearer ${apiToken}` } })).json();
  assert.notEqual(kept.availability, "lundi 18:00-09:00", "nothing was written");

  step("the visit blocks are reachable from the keyboard");
  await page.goto(`${base}/semaine/${WEEK}`);
  await tabTo(page, "a visit block", () => document.activeElement?.classList.contains("visit"));
  const focused = await page.evaluate(() => document.activeElement.textContent);
  assert.match(focused, /F-\d{4}/);

  step("the eight weeks beside today's practice, once simulated");
  let eight = await api(`/api/v1/weeks/${WEEK}/horizon`);
  for (let i = 0; i < 600 && eight.status === "running"; i++) {
    await page.waitForTimeout(500);
    eight = await api(`/api/v1/weeks/${WEEK}/horizon`);
  }
  assert.equal(eight.status, "done", JSON.stringify(eight.error));
  await page.goto(`${base}/semaine/${WEEK}#huit-semaines`);
  assert.equal(await page.textContent("[data-figure=eight-visits]"), String(eight.figures.parcours.visits));
  assert.match(await page.textContent("#huit-semaines"), /Dans la tolérance/);
  await page.locator("#huit-semaines").screenshot(shots ? { path: join(shots, "huit-semaines.png") } : {});

  step("the EPS year: planned, published, a meeting cancelled and its slot given up, its invitation");
  await page.click("text=Réunions EPS");
  await page.waitForURL(/\/eps\/2026-2027$/);
  assert.match(await page.textContent("main"), /Aucun plan des réunions d'EPS/);
  await page.fill("input[name=time_limit]", "40");
  await page.click("text=Planifier l'année");
  await page.waitForSelector('dl.figures[data-version="1"]', { timeout: 240000 });
  const year = await api("/api/v1/eps/2026-2027/plan");
  assert.equal(await page.locator("tr[data-meeting]").count(), year.plan.meetings.length);
  assert.equal(await page.textContent("[data-figure=placed]"), `${year.plan.meetings.length} sur ${year.plan.meetings.length + year.plan.unmet.length}`);
  assert.ok((await page.locator("section.coordinator").count()) >= 1, "the year per coordinator");
  await shot(page, "eps");
  await page.click(`text=Publier le plan n° ${year.version}`);
  await page.waitForURL(new RegExp(`/eps/2026-2027\\?publie=${year.version}$`));
  assert.match(await page.textContent("[role=status]"), new RegExp(`Plan n° ${year.version} publié`));
  const first = year.plan.meetings[0];
  await page.click(`button[aria-label="Annuler ${first.code}"]`);
  await page.waitForSelector(`tr[data-meeting="${first.code}"][data-status="cancelled"]`);
  await page.fill("input[name=time_limit]", "40");
  await page.click("text=Re-planifier l'année");
  await page.waitForSelector('dl.figures[data-version="3"]', { timeout: 240000 });
  const again = await api("/api/v1/eps/2026-2027/plan");
  const moved = again.plan.meetings.find((m) => m.code === first.code);
  assert.equal(moved.status, "planned");
  assert.notDeepEqual([moved.date, moved.start_minutes, moved.site], [first.date, first.start_minutes, first.site], "never at the cancelled slot again");
  const stayed = again.plan.meetings.filter((m) => m.code !== first.code && year.plan.meetings.some((b) => b.code === m.code && b.date === m.date && b.start_minutes === m.start_minutes && b.site === m.site)).length;
  assert.ok(stayed >= year.plan.meetings.length - 3, `the others held still (${stayed} of ${year.plan.meetings.length - 1})`);
  await page.click(`tr[data-meeting="${first.code}"] a`);
  await page.waitForURL(new RegExp(`/eps/2026-2027/reunions/${first.code}$`));
  assert.ok((await page.locator("tr[data-person]").count()) >= 2, "the invitation lists its members");
  assert.match(await page.textContent("main"), /requis/);
  await page.goto(`${base}/eps/2026-2027`);

  step("signing out");
  await page.click("text=Se déconnecter");
  await page.waitForURL(/\/connexion$/);
  await page.goto(`${base}/semaine/${WEEK}`);
  assert.match(page.url(), /\/connexion$/, "signed out, the week is closed");

  // --- A référent on a phone-sized screen: her own week only.
  step("signing in as R-01 on a phone-sized screen");
  const phone = await newPage({ width: 390, height: 844 });
  await phone.goto(base + "/connexion");
  await phone.fill("#login", REFERENT.login);
  await phone.fill("#password", REFERENT.password);
  await phone.click("button[type=submit]");
  await phone.waitForURL(new RegExp(`/semaine/${WEEK}$`));
  assert.equal(await phone.locator("tr[data-referent]").count(), 1);
  assert.equal(await phone.locator('tr[data-referent="R-01"] li.visit').count(), r01.visits);
  assert.equal(await phone.locator("form[action$='/publier'], form[action$='/planifier']").count(), 0);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390 + 1, `the page fits a phone's width (${width}px): only the grid scrolls`);
  await shot(phone, "ma-semaine-telephone");
  refusalExpected = true;
  const other = await phone.goto(`${base}/api/v1/weeks/${WEEK}/referents/R-02`);
  assert.equal(other.status(), 401, "her session opens no API call");
  refusalExpected = false;

  assert.deepEqual(consoleErrors, [], "no console error on any page");
  // Nothing secret or personal in the server's log.
  for (const secret of [COORDINATOR.password, REFERENT.password, apiToken, feedPath.slice(7, 71)]) {
    assert.ok(!serverLog.includes(secret), "a secret reached the server's log");
  }
  const sessionCookies = serverLog.match(/[0-9a-f]{64}/g) ?? [];
  assert.deepEqual(sessionCookies, [], "no token-like value in the server's log");
  step("ok");
} catch (e) {
  failed = true;
  console.error(e);
  console.error(`--- server log ---\n${serverLog.slice(-4000)}`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
