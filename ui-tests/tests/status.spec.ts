import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { MLXSidebarPage } from './mlx-sidebar';

const packageVersion: string = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf-8')
).version;

test.describe('MLX sidebar', () => {
  test('shows the server status of the running extension', async ({
    page
  }, testInfo) => {
    const sidebar = new MLXSidebarPage(page);

    // When the MLX tab is opened
    await expect(sidebar.tab).toHaveAttribute('title', 'MLX');
    await sidebar.open();

    // Then the Server status section lists the server's facts
    await expect(sidebar.sectionHeading('Server status')).toBeVisible();
    await expect(sidebar.statusValue('Version')).toHaveText(packageVersion);
    await expect(sidebar.statusValue('Workspace')).toHaveText(
      process.env.MLX_UI_TEST_WORKSPACE!
    );
    await expect(sidebar.statusValue('Tracking URI')).toContainText(
      'mlflow.db'
    );
    await expect(sidebar.statusValue('Store')).toHaveText(/^healthy/);

    // And refreshing keeps them
    await sidebar.refreshButton.click();
    await expect(sidebar.statusValue('Version')).toHaveText(packageVersion);

    // Screenshots are artifacts to look at, not compared: the workspace path
    // differs on every run.
    for (const [name, target] of [
      ['mlx-sidebar', sidebar.panel],
      ['jupyterlab-with-mlx-sidebar', page.locator('#main')]
    ] as const) {
      const screenshot = await target.screenshot();
      fs.writeFileSync(testInfo.outputPath(`${name}.png`), screenshot);
      await testInfo.attach(name, {
        body: screenshot,
        contentType: 'image/png'
      });
    }
  });

  test('opens with the mlx:open-sidebar command', async ({ page }) => {
    const sidebar = new MLXSidebarPage(page);

    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('mlx:open-sidebar');
    });

    await expect(sidebar.panel).toBeVisible();
    await expect(sidebar.sectionHeading('Server status')).toBeVisible();
  });
});
