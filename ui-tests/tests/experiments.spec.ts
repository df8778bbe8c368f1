import { expect, type IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { ExperimentsPage } from './experiments-page';

/**
 * The example notebook: it tracks its run with `%mlx_track` and ends it with
 * `%mlx_track --stop`.
 */
const EXAMPLE = path.resolve(
  __dirname,
  '..',
  '..',
  'examples',
  'train_classifier.ipynb'
);

/**
 * Index of the example's cell tagged `parameters`.
 */
function parametersCell(): number {
  const notebook = JSON.parse(fs.readFileSync(EXAMPLE, 'utf-8'));
  return notebook.cells.findIndex((cell: { metadata?: { tags?: string[] } }) =>
    cell.metadata?.tags?.includes('parameters')
  );
}

/**
 * Save a screenshot as an artifact of the test.
 */
async function keepScreenshot(
  name: string,
  screenshot: Buffer,
  testInfo: import('@playwright/test').TestInfo
): Promise<void> {
  fs.writeFileSync(testInfo.outputPath(`${name}.png`), screenshot);
  await testInfo.attach(name, { body: screenshot, contentType: 'image/png' });
}

/**
 * The theme's main UI text colour (`--jp-ui-font-color1`) as the page
 * computes it, which the charts are drawn with.
 */
async function uiFontColor(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() =>
    window
      .getComputedStyle(document.body)
      .getPropertyValue('--jp-ui-font-color1')
      .trim()
  );
}

test.describe('Experiments', () => {
  test('lists the runs of the open notebook and compares two of them', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(180_000);
    const experiments = new ExperimentsPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;
    const cell = parametersCell();
    expect(cell).toBeGreaterThanOrEqual(0);

    // Given the example notebook, open, and the Experiments section
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');
    await experiments.open();
    await expect(experiments.section).toContainText(`Runs of ${notebookPath}`);
    await expect(experiments.section).toContainText('No runs of this notebook');

    // When the notebook runs twice with different learning rates
    for (const lr of ['0.01', '0.05']) {
      await page.notebook.setCell(
        cell,
        'code',
        `lr = ${lr}\nepochs = 5\nhidden = 32\nseed = 0`
      );
      await page.notebook.save();
      await page.notebook.run();
      await page.notebook.waitForRun();
    }

    // Then both runs are listed, newest first, finished
    await expect(experiments.runs).toHaveCount(2, { timeout: 30_000 });
    await expect(
      experiments.section.getByRole('img', { name: 'Finished' })
    ).toHaveCount(2, { timeout: 30_000 });
    const names = await experiments.runNames();
    expect(names).toHaveLength(2);

    // When both are selected and compared
    await expect(experiments.compareButton).toBeDisabled();
    for (const name of names) {
      await experiments.select(name);
    }
    await expect(experiments.compareButton).toBeEnabled();
    await experiments.compareButton.click();

    // Then the comparison overlays each metric's history, one line per run
    await expect(experiments.comparison).toBeVisible({ timeout: 20_000 });
    const lossChart = experiments.comparisonCharts.filter({
      has: page.locator('canvas')
    });
    await expect(lossChart.first()).toBeVisible({ timeout: 20_000 });
    expect(await lossChart.count()).toBeGreaterThanOrEqual(3);
    const trainLoss = experiments.comparison.locator(
      '.jp-mlx-Chart[aria-label*="train_loss"]'
    );
    for (const name of names) {
      await expect(trainLoss).toHaveAttribute(
        'aria-label',
        new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      );
    }

    // And the params that differ are the learning rate only
    await expect(experiments.paramsTable).toBeVisible();
    const rows = experiments.paramsTable.locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('lr');
    await expect(rows.first()).toContainText('0.01');
    await expect(rows.first()).toContainText('0.05');

    // And parallel coordinates draw the params against a metric
    await expect(
      experiments.comparison.locator('.jp-mlx-Chart-parallel canvas')
    ).toHaveCount(1);

    await keepScreenshot(
      'experiments-comparison',
      await page.locator('#main').screenshot(),
      testInfo
    );
    await experiments.paramsTable.scrollIntoViewIfNeeded();
    await keepScreenshot(
      'experiments-comparison-params',
      await page.locator('#main').screenshot(),
      testInfo
    );

    // And the charts are drawn in the light theme's text colour
    const lightText = await uiFontColor(page);
    const charts = await experiments.comparisonCharts.all();
    for (const chart of charts) {
      await expect(chart).toHaveAttribute('data-text-color', lightText);
    }

    // When JupyterLab's dark theme is chosen
    await page.theme.setDarkTheme();

    // Then every chart is drawn again in the dark theme's text colour
    await expect.poll(() => uiFontColor(page)).not.toBe(lightText);
    const darkText = await uiFontColor(page);
    for (const chart of charts) {
      await expect(chart).toHaveAttribute('data-text-color', darkText);
    }
    await keepScreenshot(
      'experiments-comparison-dark',
      await page.locator('#main').screenshot(),
      testInfo
    );

    // And back in the light theme, in the light colour again
    await page.theme.setLightTheme();
    for (const chart of charts) {
      await expect(chart).toHaveAttribute('data-text-color', lightText);
    }

    // When a run is opened from the list
    await experiments.section
      .getByRole('button', { name: names[0], exact: true })
      .click();

    // Then its view shows its params, metric charts and notebook snapshot
    const runView = page.locator('.jp-mlx-RunView:visible');
    await expect(runView.getByRole('heading', { name: names[0] })).toBeVisible({
      timeout: 20_000
    });
    await expect(
      runView.getByRole('table', { name: 'Parameters' })
    ).toContainText('0.05');
    await expect(runView.locator('.jp-mlx-Chart canvas').first()).toBeVisible();
    await expect(
      runView.getByRole('button', { name: 'Open snapshot' })
    ).toBeVisible();
    await keepScreenshot(
      'experiments-run',
      await page.locator('#main').screenshot(),
      testInfo
    );
  });
});
