import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseApiKeys } from '../services/api/src/config.js';
import { spiralsJob } from './fixtures.js';
import { startStack, type Stack } from './stack.js';
import { TEST_KEYS } from '../services/api/src/test-utils/keys.js';

// The dashboard in a real headless Chromium against the real api and a worker. Debian's chromium
// is the browser (`npx playwright install` cannot download one here); CI installs it (.ci/run),
// so there a missing browser fails, while a developer machine without it skips with the hint.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!found && !inCi) console.warn(`Skipping the dashboard browser test: no ${CHROMIUM} (apt-get install chromium)`);

const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const KEY = TEST_KEYS.dashboard;

describe('the dashboard', () => {
  it.runIf(inCi && !found)('needs chromium in CI', () => {
    expect.fail(`${CHROMIUM} is missing: .ci/run installs it with apt-get install chromium`);
  });

  describe.runIf(found)('in headless Chromium, with an API key configured', () => {
    let stack: Stack;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      stack = await startStack({
        workers: 1,
        api: { apiKeys: parseApiKeys(`web:${KEY}`), maxActiveJobs: 0, rateLimitPerMinute: 0 },
      });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      page.on('pageerror', (err) => pageErrors.push(err.message));
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    // The page's CSP forbids eval, so waits poll attributes through selectors, never page-side functions.
    const points = async (chart: string) => Number(await page.getAttribute(chart, 'data-points'));

    it('asks for the key, then submits the example job and charts its epochs live from SSE', async () => {
      await page.goto(`${stack.url}/`);
      await expect.poll(() => page.textContent('#notice')).toMatch(/API key/);

      await page.fill('#api-key', KEY);
      await page.click('#key-form button');
      await page.fill('#f-epochs', '40');
      await page.fill('#f-samples', '800');
      await page.click('#submit-form button');

      // The page opens the new job; its charts fill from the epoch events.
      await page.waitForURL(/#job=job_/);
      const id = new URL(page.url()).hash.slice('#job='.length);
      await expect.poll(() => points('#loss-chart'), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      expect(await points('#accuracy-chart')).toBeGreaterThanOrEqual(2);
      // Train and validation lines on both charts.
      for (const chart of ['#loss-chart', '#accuracy-chart']) {
        expect(await page.locator(`${chart} polyline.train`).count()).toBe(1);
        expect(await page.locator(`${chart} polyline.val`).count()).toBe(1);
      }
      expect(await page.textContent(`#jobs tr[data-job-id="${id}"]`)).toContain(id);

      // The model summary, from GET /v1/jobs/:id/summary.
      await page.waitForSelector('#summary-table tbody tr');
      const rows = await page.locator('#summary-table tbody tr').allTextContents();
      expect(rows).toHaveLength(3);
      expect(rows[0]).toContain('hidden (Dense)');
      expect(rows[0]).toContain('(None, 32)');
      expect(rows[0]).toContain('relu');
      expect(rows[0]).toContain('96');
      expect(rows[2]).toContain('softmax');
      expect(await page.textContent('#summary-total')).toBe('1,218');

      // It finishes: status live, every epoch charted, the model downloadable with the key.
      await page.waitForSelector('#job-status[data-status="succeeded"]', { timeout: 60_000 });
      expect(await points('#loss-chart')).toBe(40);
      expect(await page.isDisabled('#cancel-button')).toBe(true);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
      expect(download.suggestedFilename()).toBe('model.json');
      const saved = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(saved.format).toBe('layers-model');

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    });

    it('cancels a long job with its button and shows it cancelled', async () => {
      const res = await fetch(`${stack.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify(spiralsJob({ epochs: 500, samples: 2000 })),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };

      // The list picks it up by itself; choosing it follows it.
      await page.waitForSelector(`#jobs tr[data-job-id="${id}"]`);
      await page.click(`#jobs tr[data-job-id="${id}"] a`);
      await expect.poll(() => page.textContent('#job-id')).toBe(id);
      // Training for real before the cancel: an epoch has been charted.
      await expect.poll(() => points('#loss-chart'), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      expect(await page.getAttribute('#job-status', 'data-status')).toBe('running');

      await page.click('#cancel-button');
      await page.waitForSelector('#job-status[data-status="cancelled"]', { timeout: 30_000 });
      await page.waitForSelector(`#jobs tr[data-job-id="${id}"][data-status="cancelled"]`, { timeout: 10_000 });
      expect(await page.isDisabled('#cancel-button')).toBe(true);
      expect(await page.getAttribute('#download-model', 'aria-disabled')).toBe('true');
      const view = (await (
        await fetch(`${stack.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${KEY}` } })
      ).json()) as { status: string };
      expect(view.status).toBe('cancelled');

      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-cancelled.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    });

    it("opens the operators' queue board from its link: the key becomes a session cookie, the board lists both queues", async () => {
      await page.click('#admin-link');
      await page.waitForURL(`${stack.url}/admin/queues`);
      expect(page.url()).not.toContain('access_token');
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === 'trainyard_admin')).toMatchObject({
        httpOnly: true,
        path: '/admin/queues',
        sameSite: 'Strict',
      });
      // Bull Board's own UI, fetching its api with the cookie alone.
      await page.getByText('sweeps', { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.getByText('train', { exact: true }).first().click();
      await page.waitForURL(/\/admin\/queues\/queue\/train/);
      // The train queue's jobs, as BullMQ holds them: the two this test ran, finished.
      await page
        .getByText(/completed/i)
        .first()
        .waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'admin-queues.png') });
    });
  });
});
