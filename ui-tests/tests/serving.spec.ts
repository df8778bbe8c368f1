import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { ExperimentsPage } from './experiments-page';
import { EXAMPLE } from './helpers';
import { ModelsPage } from './models-page';
import { ServingPage } from './serving-page';

/**
 * Index of the example's cell tagged `parameters`.
 */
function parametersCell(): number {
  const notebook = JSON.parse(fs.readFileSync(EXAMPLE, 'utf-8'));
  return notebook.cells.findIndex((cell: { metadata?: { tags?: string[] } }) =>
    cell.metadata?.tags?.includes('parameters')
  );
}

test.describe('Serving', () => {
  test('serves a registered model from the Models section, answers Try it, and charts its requests', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(300_000);
    const experiments = new ExperimentsPage(page);
    const models = new ModelsPage(page);
    const serving = new ServingPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;
    // The workspace is shared by the tests: names of this test's own.
    const suffix = path.basename(tmpPath).replace(/[^A-Za-z0-9_.-]/g, '-');
    const name = `churn-${suffix}`.slice(0, 60);
    const endpoint = `ep-${suffix}`.slice(0, 60);

    // Given a run of the example notebook whose model is promoted to
    // @champion
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');
    await page.notebook.setCell(
      parametersCell(),
      'code',
      'lr = 0.05\nepochs = 5\nhidden = 32\nseed = 0'
    );
    await page.notebook.save();
    await page.notebook.run();
    await page.notebook.waitForRun();
    await experiments.open();
    await expect(
      experiments.section.getByRole('img', { name: 'Finished' }).first()
    ).toBeVisible({ timeout: 30_000 });
    // The newest run is listed first.
    const [run] = await experiments.runNames();
    await experiments.section
      .getByRole('button', { name: run, exact: true })
      .click();
    await page
      .locator('.jp-mlx-RunView:visible')
      .getByRole('button', { name: 'Promote model model' })
      .click({ timeout: 30_000 });
    const outcome = await models.promote({
      name,
      alias: 'champion',
      gates: []
    });
    expect(outcome).toMatch(/^Promoted/);
    await models.closeDialog();

    // When its alias is served from the Models section through Serve…
    await models.open();
    await models.expand(name);
    await models.section
      .getByRole('button', { name: 'Serve @champion…' })
      .click();
    await expect(serving.dialog.getByLabel('Model URI')).toHaveValue(
      `models:/${name}@champion`
    );
    await testInfo.attach('serve-dialog', {
      body: await serving.dialog.screenshot(),
      contentType: 'image/png'
    });
    await serving.serve(endpoint);

    // Then the endpoint view opens and the endpoint runs
    const view = serving.view(endpoint);
    await expect(view).toBeVisible();
    await expect(view.locator('.jp-mlx-EndpointState')).toHaveText('Running', {
      timeout: 90_000
    });
    await expect(
      view.getByRole('table', { name: 'Versions served' })
    ).toContainText(`models:/${name}/1`);

    // When the prefilled request is sent from Try it
    const tryIt = view.getByRole('region', { name: 'Try it' });
    const request = tryIt.getByLabel('Request (JSON)');
    await expect(request).toHaveValue(/"(inputs|dataframe_split)"/, {
      timeout: 20_000
    });
    await tryIt.getByRole('button', { name: 'Send' }).click();

    // Then the predictions show with the latency, and curl sends the same
    const response = tryIt.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('status')).toHaveText(
      /^Status 200 in [\d.]+ ms$/
    );
    await expect(response.getByLabel('Response body')).toContainText(
      'predictions'
    );
    await expect(tryIt.getByLabel('curl command')).toContainText(
      `mlx/endpoints/${endpoint}/invocations`
    );
    await expect(tryIt.getByLabel('curl command')).toContainText(
      'Authorization: token <TOKEN>'
    );

    // And the requests chart gets its points, the request log the request
    for (let i = 0; i < 4; i++) {
      await tryIt.getByRole('button', { name: 'Send' }).click();
      await expect(tryIt.getByRole('button', { name: 'Send' })).toBeEnabled();
    }
    const requests = view.locator(
      '.jp-mlx-EndpointChart[data-kind="requests"]'
    );
    await expect(requests.locator('canvas')).toBeVisible();
    await expect(requests.locator('figcaption')).toHaveText(
      /^[1-9]\d* requests? in the last 15 minutes, 0 errors$/,
      { timeout: 20_000 }
    );
    await expect(
      view.locator('.jp-mlx-EndpointChart[data-kind="latency"] figcaption')
    ).toHaveText(/^Last second: p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms$/);
    await expect(
      view.getByRole('table', { name: 'Latest requests' }).getByRole('row')
    ).not.toHaveCount(0);
    // (a tall window, to see the whole view)
    await page.setViewportSize({ width: 1280, height: 2000 });
    await view.evaluate(node => node.scrollTo(0, 0));
    await testInfo.attach('endpoint-view', {
      body: await page.locator('#main').screenshot(),
      contentType: 'image/png'
    });
    await page.setViewportSize({ width: 1024, height: 768 });

    // And the Endpoints section lists it running
    await serving.open();
    await serving.only();
    await expect(serving.endpoint(endpoint)).toContainText('Running');
    await testInfo.attach('endpoints-section', {
      body: await serving.sidebar.panel.screenshot(),
      contentType: 'image/png'
    });

    // When it is deleted from the section (after a confirmation)
    await serving
      .endpoint(endpoint)
      .getByRole('button', { name: `Delete endpoint ${endpoint}` })
      .click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Delete' })
      .click();

    // Then it is gone, with its view
    await expect(serving.endpoint(endpoint)).toHaveCount(0, {
      timeout: 20_000
    });
    await expect(view).toHaveCount(0);
  });
});
