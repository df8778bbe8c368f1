import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { MLXSidebarPage } from './mlx-sidebar';

/**
 * Page object of the Models section of the MLX sidebar, of the promote
 * dialog and of the model view.
 */
export class ModelsPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.sidebar = new MLXSidebarPage(page);
  }

  /**
   * The MLX sidebar holding the section.
   */
  readonly sidebar: MLXSidebarPage;

  /**
   * The Models section's content.
   */
  get section(): Locator {
    return this.page.locator('#jp-mlx-models');
  }

  /**
   * Open the MLX sidebar and make sure the Models section is expanded.
   */
  async open(): Promise<void> {
    await this.sidebar.expandSection('Models', this.section);
  }

  /**
   * Collapse every other section of the sidebar, so the Models section
   * takes its whole height.
   */
  async only(): Promise<void> {
    await this.sidebar.onlySection('Models');
  }

  /**
   * The row of the registered model `name`.
   */
  model(name: string): Locator {
    return this.section
      .getByRole('list', { name: 'Registered models' })
      .getByRole('listitem', { name, exact: true });
  }

  /**
   * Show the versions, aliases and history of the model `name`.
   */
  async expand(name: string): Promise<void> {
    const toggle = this.section.getByRole('button', {
      name: `Show the versions of ${name}`
    });
    if (await toggle.isVisible()) {
      await toggle.click();
    }
  }

  /**
   * The alias history of the model `name`, newest first.
   */
  history(name: string): Locator {
    return this.section
      .getByRole('list', { name: `Alias history of ${name}` })
      .getByRole('listitem');
  }

  /**
   * The open promote dialog.
   */
  get dialog(): Locator {
    return this.page.locator('.jp-Dialog');
  }

  /**
   * Fill the open promote dialog and run it, then wait for its outcome.
   *
   * @returns The outcome line's text.
   */
  async promote(options: {
    name: string;
    alias: string;
    gates: string[];
  }): Promise<string> {
    const dialog = this.dialog;
    await dialog.getByLabel('Registered model').fill(options.name);
    await dialog.getByLabel('Alias').fill(options.alias);
    await dialog.getByLabel('Gates').fill(options.gates.join('\n'));
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    const outcome = dialog.getByRole('status', { name: 'Outcome' });
    await outcome
      .filter({ hasText: /^(Promoted|Refused|Failed)/ })
      .waitFor({ timeout: 60_000 });
    return (await outcome.innerText()).trim();
  }

  /**
   * Close the dialog once its promotion has ended.
   */
  async closeDialog(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close' }).click();
    await this.dialog.waitFor({ state: 'detached' });
  }
}
