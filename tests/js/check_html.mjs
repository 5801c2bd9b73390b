// Checks one HTML file the way a reader's browser meets it, and prints one JSON object:
//   node check_html.mjs REPORT.html [CHROMIUM]
// {"validate": [html-validate's messages under its recommended rules],
//  "widths": {"1280": {"scrollWidth": …, "innerWidth": …, "axe": [violations]}, "390": {…}}}
// The page is opened from its file in headless Chromium through the DevTools protocol
// (playwright-core driving the browser named, default /usr/bin/chromium; its own throwaway
// profile); the width is measured and axe-core injected by this check, never by the page.
// "requests" lists anything the page fetched from beyond its file (it should be nothing).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { HtmlValidate } from "html-validate";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const [file, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node check_html.mjs REPORT.html [CHROMIUM]");
  process.exit(2);
}
const path = resolve(file);

const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
const report = await validator.validateString(readFileSync(path, "utf-8"), path);
const validate = report.results.flatMap((r) =>
  r.messages.map((m) => ({ rule: m.ruleId, message: m.message, line: m.line, column: m.column })),
);

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf-8");
const browser = await chromium.launch({
  executablePath,
  headless: true,
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
const widths = {};
try {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const requests = [];
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) requests.push(req.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    const measured = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      landmarks: [...document.querySelectorAll("main, header, footer, nav")].map((e) => e.localName),
    }));
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(" ")),
      }));
    });
    widths[width] = { ...measured, axe, requests };
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ validate, widths }) + "\n");
