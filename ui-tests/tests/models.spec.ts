import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { ExperimentsPage } from './experiments-page';
import { ModelsPage } from './models-page';

/**
 * The example notebook: it trains a classifier, logs it with an input
 * example and a signature, and tracks its run with `%mlx_track`.
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

test.describe('Models', () => {
  test('promotes two runs of the example behind gates, rolls back, and shows who moved the alias', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(240_000);
    const experiments = new ExperimentsPage(page);
    const models = new ModelsPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;
    // The workspace is shared by the tests: a name of this test's own.
    const name = `wine-${path.basename(tmpPath)}`.slice(0, 60);

    // Given two runs of the example notebook
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');
    for (const lr of ['0.01', '0.05']) {
      await page.notebook.setCell(
        parametersCell(),
        'code',
        `lr = ${lr}\nepochs = 5\nhidden = 32\nseed = 0`
      );
      await page.notebook.save();
      await page.notebook.run();
      await page.notebook.waitForRun();
    }
    await experiments.open();
    await expect(experiments.runs).toHaveCount(2, { timeout: 30_000 });
    await expect(
      experiments.section.getByRole('img', { name: 'Finished' })
    ).toHaveCount(2, { timeout: 30_000 });
    const [newer, older] = await experiments.runNames();

    // When the older run's model is promoted from its run view behind a
    // metric gate that fails
    await experiments.section
      .getByRole('button', { name: older, exact: true })
      .click();
    const runView = page.locator('.jp-mlx-RunView:visible');
    const promoteButton = runView.getByRole('button', {
      name: 'Promote model model'
    });
    await promoteButton.click({ timeout: 30_000 });
    let outcome = await models.promote({
      name,
      alias: 'champion',
      gates: ['test_accuracy > 1']
    });

    // Then it is refused, naming the gate and the values compared
    expect(outcome).toMatch(/^Refused/);
    await expect(
      models.dialog.getByRole('listitem', { name: /test_accuracy > 1: failed/ })
    ).toBeVisible();
    await models.closeDialog();

    // When it is promoted behind a passing gate and the smoke test
    await promoteButton.click();
    await models.dialog.getByLabel('Smoke test').check();
    outcome = await models.promote({
      name,
      alias: 'champion',
      gates: ['test_accuracy >= 0.5']
    });

    // Then each gate passed and version 1 holds the alias
    expect(outcome).toMatch(/^Promoted/);
    await expect(
      models.dialog.getByRole('listitem', { name: /: passed$/ })
    ).toHaveCount(2);
    await models.closeDialog();
    await models.open();
    await expect(models.model(name)).toContainText('@champion → v1', {
      timeout: 20_000
    });

    // When the newer run is promoted from the runs list's context menu
    await experiments.open();
    await experiments.runs
      .filter({ hasText: newer })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Promote Model…' }).click();
    outcome = await models.promote({
      name,
      alias: 'champion',
      gates: ['test_accuracy >= 0.5']
    });
    expect(outcome).toMatch(/^Promoted/);
    await models.closeDialog();

    // Then version 2 holds the alias
    await models.open();
    await expect(models.model(name)).toContainText('@champion → v2', {
      timeout: 20_000
    });

    // When the alias is rolled back with one click (and a confirmation)
    await models.expand(name);
    await models.section
      .getByRole('button', { name: 'Roll back @champion' })
      .click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Roll Back' })
      .click();

    // Then version 1 holds it again, and the history says who moved it when
    await expect(models.model(name)).toContainText('@champion → v1', {
      timeout: 20_000
    });
    const history = models.history(name);
    await expect(history).toHaveCount(4);
    await expect(history.nth(0)).toHaveAccessibleName(
      '@champion v2 → v1: rolled back, done'
    );
    await expect(history.nth(1)).toHaveAccessibleName(
      '@champion v1 → v2: promoted, done'
    );
    await expect(history.nth(3)).toHaveAccessibleName(/refused/);
    // (the test server has no token: each request's user is a new anonymous
    // one, so the entry names a user, not the page's)
    await expect(
      history.nth(0).locator('.jp-mlx-AliasMove-user')
    ).not.toHaveText(/^$|outside jupyter-mlx/);
    await models.only();
    const screenshot = await models.sidebar.panel.screenshot();
    await testInfo.attach('models-section', {
      body: screenshot,
      contentType: 'image/png'
    });

    // When the model view is opened
    await models.section
      .getByRole('button', { name: 'Open model view' })
      .click();

    // Then it charts the versions' metrics side by side
    const view = page.locator('.jp-mlx-ModelView:visible');
    await expect(view.locator('.jp-mlx-Chart canvas')).toBeVisible({
      timeout: 20_000
    });
    const table = view.getByRole('table', {
      name: `Versions of ${name} by metric`
    });
    await expect(table.getByRole('rowheader')).toHaveText([
      'v2',
      'v1 @champion'
    ]);
    await testInfo.attach('model-view', {
      body: await page.locator('#main').screenshot(),
      contentType: 'image/png'
    });
  });
});
