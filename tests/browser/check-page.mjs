// Loads a web page edition from disk in Debian's Chromium, as a resident's browser would, and
// checks it: axe-core with the WCAG 2.1 A and AA rules, no network request, no horizontal
// scroll at 320 or 375 px, and screenshots at 375 and 1280 px.
//
// Usage: node check-page.mjs PAGE.html OUT_DIR
// Prints one JSON object; exits 1 when any check fails. CHROMIUM names the browser
// (default /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [page_path, out_dir] = process.argv.slice(2);
if (!page_path || !out_dir) {
  console.error("usage: node check-page.mjs PAGE.html OUT_DIR");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axe_source = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const url = pathToFileURL(resolve(page_path)).href;

// As root and on a machine with no network, Chromium needs these to start quietly.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const result = { requests: [], widths: {}, violations: [], screenshots: [] };
try {
  for (const width of [320, 375, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    page.on("request", (request) => {
      if (request.url() !== url) result.requests.push(request.url());
    });
    await page.goto(url, { waitUntil: "load" });
    result.widths[width] = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    // What a reader sees first and (on a phone) a table section. Not the whole page: tens of
    // thousands of pixels tall, its capture fails now and then in a busy headless browser.
    if (width !== 320) {
      await page.screenshot({ path: join(out_dir, `page-${width}-top.png`) });
      result.screenshots.push(join(out_dir, `page-${width}-top.png`));
    }
    if (width === 375) {
      await page.evaluate(() => document.getElementById("performance").scrollIntoView());
      await page.screenshot({ path: join(out_dir, "page-375-tables.png") });
      result.screenshots.push(join(out_dir, "page-375-tables.png"));
    }
    if (width === 375) {
      // axe runs inside the page; its source goes in as text, so it makes no request.
      await page.evaluate(axe_source);
      const axe = await page.evaluate(() =>
        window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
          resultTypes: ["violations"],
        }),
      );
      result.violations = axe.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      }));
      result.rules_passed = axe.passes.length;
    }
    await context.close();
  }
} finally {
  await browser.close();
}
const fits = [320, 375].every((w) => result.widths[w].scroll <= result.widths[w].viewport);
result.ok = result.violations.length === 0 && result.requests.length === 0 && fits;
console.log(JSON.stringify(result, null, 2));
process.exit(result.ok ? 0 : 1);
