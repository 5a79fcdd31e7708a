// Headless Chromium from Debian driven by playwright-core (no browser download): launch with
// the flags our closed network needs, a fresh profile folder per browser, and collect the
// console errors and failed requests of each page.
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** A launched browser and its profile folder; close() removes both. */
export interface TestBrowser {
  browser: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "sparsedyn-chromium-" });
  // Playwright takes the profile folder here (it refuses --user-data-dir in args).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    headless: true,
    timeout: 60_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** A page that records console errors, page errors and failed requests. */
export async function openPage(browser: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(60_000);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // An event stream closed by navigation is not a failure of the page, nor is a request
    // the page itself cancelled (net::ERR_ABORTED: an image whose src changed before it
    // loaded, as when a test switches maps quickly; seen once in a full parallel run).
    const why = r.failure()?.errorText ?? "";
    if (r.url().includes("/api/run/live") || why === "net::ERR_ABORTED") return;
    errors.push(`request failed: ${r.url()} (${why})`);
  });
  return { page, errors };
}

/** Where screenshots go: $SPARSEDYN_SCREENSHOTS (e.g. docs/screenshots) or a temp folder. */
export async function screenshotDir(): Promise<string> {
  const dir = Deno.env.get("SPARSEDYN_SCREENSHOTS") ??
    `${Deno.env.get("TMPDIR") ?? "/tmp"}/sparsedyn-screenshots`;
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}
