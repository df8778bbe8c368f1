import { expect, test } from '@jupyterlab/galata';
import type { Request } from '@playwright/test';

/**
 * Console messages that are not about jupyter-mlx and that JupyterLab itself
 * logs on a page load in a test browser.
 */
const BENIGN_CONSOLE_ERRORS: RegExp[] = [];

test.describe('Loading JupyterLab with jupyter-mlx', () => {
  test('logs no console error and no failed request', async ({ page }) => {
    // Given listeners for errors and failed requests (those of the reloaded
    // page only: the reload aborts the requests of the page it replaces)
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    const reloadRequests = new Set<Request>();
    let reloading = false;
    page.on('request', request => {
      if (reloading) {
        reloadRequests.add(request);
      }
    });
    page.on('console', message => {
      if (
        message.type() === 'error' &&
        !BENIGN_CONSOLE_ERRORS.some(pattern => pattern.test(message.text()))
      ) {
        consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', error => consoleErrors.push(error.message));
    page.on('response', response => {
      if (response.status() >= 400) {
        failedRequests.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('requestfailed', request => {
      if (reloadRequests.has(request)) {
        failedRequests.push(`failed ${request.url()}`);
      }
    });

    // When JupyterLab loads again from scratch
    reloading = true;
    await page.reload({ waitUntil: 'networkidle' });
    await page.waitForSelector('#jp-mlx-sidebar', { state: 'attached' });

    // Then jupyter-mlx is loaded, with no error and no start-up dialog
    expect(
      await page.evaluate(() =>
        window.galata.app.hasPlugin('jupyter-mlx:status')
      )
    ).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });
});
