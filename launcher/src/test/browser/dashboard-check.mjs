// Checks the operator dashboard in Debian's headless Chromium (playwright-core, no browser
// download) and saves screenshots. Used by DashboardIT:
//
//   node dashboard-check.mjs <empty|round> <dashboard url> <screenshot dir> [expectations json]
//
// "empty": the page says the network is empty and draws no chart, at laptop and phone widths.
// "round": expectations {roundId, reason, checkpoint}: the round is listed, its loss curve is
// drawn with points, the rejected delta shows the reason, the lineage graph shows the checkpoint,
// the workers show measured utilisation and upload rates; at laptop and phone widths.
// Prints one JSON line with what it saw; exits 1 naming what failed.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [mode, url, outDir, expectJson] = process.argv.slice(2);
const expect = expectJson ? JSON.parse(expectJson) : {};
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = Number(process.env.CHECK_TIMEOUT_MS || 60000);
mkdirSync(outDir, { recursive: true });

const seen = { mode };
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failed = null;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: TIMEOUT });
  // the first snapshot has arrived once the header shows the height
  await page.waitForFunction(() => /height \d+/.test(document.getElementById("summary").textContent), null,
    { timeout: TIMEOUT });

  if (mode === "empty") {
    await page.waitForSelector("#empty:not([hidden])", { timeout: TIMEOUT });
    seen.emptyText = (await page.textContent("#empty")).trim().replace(/\s+/g, " ");
    seen.charts = await page.locator("svg.loss-chart, svg.lineage").count();
    seen.panelMessages = await page.locator("p.none").allTextContents();
    if (seen.charts !== 0) throw new Error(`an empty network drew ${seen.charts} charts`);
    await page.screenshot({ path: join(outDir, "empty-laptop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200); // layout settles after the resize
    seen.phoneOverflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: join(outDir, "empty-phone.png"), fullPage: true });
    if (seen.phoneOverflowPx > 1) throw new Error(`the empty page is ${seen.phoneOverflowPx}px wider than a phone`);
  } else if (mode === "round") {
    const row = `tr.round-row[data-round-id="${expect.roundId}"]`;
    await page.waitForSelector(row, { timeout: TIMEOUT });
    await page.click(row);
    await page.waitForFunction(() => document.querySelectorAll("svg.loss-chart circle.pt").length >= 2, null,
      { timeout: TIMEOUT });
    seen.lossPoints = await page.locator("svg.loss-chart circle.pt").count();
    seen.curves = await page.locator("svg.loss-chart g.curve").count();
    const rejected = 'tr[data-delta-status="REJECTED"] .reasons';
    await page.waitForFunction(([sel, reason]) => [...document.querySelectorAll(sel)]
      .some((td) => td.textContent.includes(reason)), [rejected, expect.reason], { timeout: TIMEOUT });
    seen.rejectedReasons = await page.locator(rejected).allTextContents();
    const ckpt = `svg.lineage g.checkpoint[data-hash="${expect.checkpoint}"]`;
    await page.waitForSelector(ckpt, { timeout: TIMEOUT });
    seen.lineageCheckpoints = await page.locator("svg.lineage g.checkpoint").count();
    seen.contributingDeltas = await page.locator("svg.lineage g.contrib").count();
    seen.votes = await page.locator("td .votes .badge").count();
    // workers: the trainers' measured device utilisation and upload rate, from their heartbeats
    await page.waitForFunction(() => {
      const t = document.getElementById("workers").textContent;
      return /\d+ % (CPU|GPU)/.test(t) && /\/s measured/.test(t);
    }, null, { timeout: TIMEOUT });
    seen.workerUtilization = (await page.textContent("#workers")).match(/\d+ % (CPU|GPU)/g);
    await page.screenshot({ path: join(outDir, "round-laptop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    seen.phoneOverflowPx = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    seen.phoneLossPoints = await page.locator("svg.loss-chart circle.pt").count();
    seen.phoneVisibleReasons = await page.locator(`${rejected}:visible`).allTextContents();
    if (!seen.phoneVisibleReasons.some((t) => t.includes(expect.reason))) {
      throw new Error(`at phone width the rejected delta's reason ${expect.reason} is not visible`);
    }
    await page.screenshot({ path: join(outDir, "round-phone.png"), fullPage: true });
    if (seen.phoneOverflowPx > 1) throw new Error(`the page is ${seen.phoneOverflowPx}px wider than a phone`);
  } else {
    throw new Error(`unknown mode '${mode}' (empty or round)`);
  }
  if (errors.length) throw new Error("the page threw: " + errors.join("; "));
} catch (e) {
  failed = e;
} finally {
  await browser.close();
}
console.log(JSON.stringify({ ok: !failed, error: failed ? String(failed.message || failed) : null, ...seen }));
process.exit(failed ? 1 : 0);
