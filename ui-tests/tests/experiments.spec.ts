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
 * Index of the example's cell that is exactly `source`.
 */
function cellWithSource(source: string): number {
  const notebook = JSON.parse(fs.readFileSync(EXAMPLE, 'utf-8'));
  return notebook.cells.findIndex(
    (cell: { source: string | string[] }) =>
      [cell.source].flat().join('') === source
  );
}

/**
 * A request for the file `#` in any folder: what a command link with
 * `href="#"` makes JupyterLab's link handler open.
 */
const HASH_FILE = /\/api\/contents\/(.*\/)?%23(\?|$)/;

/**
 * Record, from now on, every request for the file `#` and every response
 * with an error status.
 */
function recordBadRequests(page: IJupyterLabPageFixture): string[] {
  const bad: string[] = [];
  page.on('request', request => {
    if (HASH_FILE.test(request.url())) {
      bad.push(`${request.method()} ${request.url()}`);
    }
  });
  page.on('response', response => {
    if (response.status() >= 400) {
      bad.push(`${response.status()} ${response.url()}`);
    }
  });
  return bad;
}

/**
 * Whether the active notebook is modified once its kernel's `kernel_info`
 * has arrived (JupyterLab then writes the kernel's `language_info` into the
 * notebook's metadata, which modifies it unless the notebook already has
 * exactly that).
 */
async function modifiedOnceKernelInfo(
  page: IJupyterLabPageFixture
): Promise<boolean> {
  return page.evaluate(async () => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      context: { model: { dirty: boolean } };
      sessionContext: {
        ready: Promise<void>;
        session: { kernel: { info: Promise<unknown> } | null } | null;
      };
    };
    await panel.sessionContext.ready;
    await panel.sessionContext.session?.kernel?.info;
    // Let the notebook panel's own handler of the same reply run first.
    await new Promise(resolve => setTimeout(resolve, 0));
    return panel.context.model.dirty;
  });
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
  test('lists the runs of the open notebook, compares two of them and opens them from command links', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(180_000);
    const experiments = new ExperimentsPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;
    const cell = parametersCell();
    expect(cell).toBeGreaterThanOrEqual(0);
    const trackCell = cellWithSource('%mlx_track');
    expect(trackCell).toBeGreaterThanOrEqual(0);

    // Given the example notebook, open, and the Experiments section
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');

    // Then it is not modified once its kernel has said which language it runs
    expect(await modifiedOnceKernelInfo(page)).toBe(false);

    await experiments.open();
    await expect(experiments.section).toContainText(`Runs of ${notebookPath}`);
    // The first listing of a fresh workspace waits for MLflow to create its store.
    await expect(experiments.section).toContainText(
      'No runs of this notebook',
      {
        timeout: 30_000
      }
    );

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

    // When its notebook snapshot is opened
    await runView.getByRole('button', { name: 'Open snapshot' }).click();

    // Then it is the notebook as this run ran: its own parameters and outputs
    const snapshot = experiments.artifactFrame(
      'notebook/train_classifier.ipynb'
    );
    await expect(snapshot).toContainText('lr = 0.05', { timeout: 20_000 });
    await expect(snapshot).not.toContainText('lr = 0.01');
    await expect(snapshot).toContainText(/epoch\s+5\s+train loss/);
    await expect(snapshot).toContainText(names[0]);
    await expect(snapshot).not.toContainText(names[1]);
    await keepScreenshot(
      'experiments-snapshot',
      await page.locator('#main').screenshot(),
      testInfo
    );
    // (close its viewer to go back to the notebook)
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('application:close')
    );

    // When the notebook compares its runs with `%mlx_runs --compare`
    const badRequests = recordBadRequests(page);
    await page.notebook.activate('train_classifier.ipynb');
    await expect(experiments.comparison).toBeHidden();
    await page.notebook.addCell(
      'code',
      'runs = %mlx_runs\nids = " ".join(runs.run_id)\n%mlx_runs --compare $ids'
    );
    const compareCell = (await page.notebook.getCellCount()) - 1;
    await page.notebook.runCell(compareCell);

    // And the output's "Compare in MLX panel" link is clicked
    const compareLink = await experiments.commandLink(
      compareCell,
      'Compare in MLX panel'
    );
    await compareLink.click();

    // Then the comparison of those runs is shown again
    await expect(experiments.comparison).toBeVisible({ timeout: 20_000 });

    // When the run widget's "Open in MLX panel" link is clicked
    await page.notebook.activate('train_classifier.ipynb');
    await expect(runView).toBeHidden();
    const openLink = await experiments.commandLink(
      trackCell,
      'Open in MLX panel'
    );
    await openLink.click();

    // Then the view of the run it shows (the latest) is shown again
    await expect(runView.getByRole('heading', { name: names[0] })).toBeVisible({
      timeout: 20_000
    });

    // And neither link navigated: no request for the file "#", no failed request
    expect(badRequests).toEqual([]);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });
});
