import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { MLXSidebarPage } from './mlx-sidebar';

/**
 * Page object of the Endpoints section of the MLX sidebar, of the Serve
 * dialog and of the endpoint view.
 */
export class ServingPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.sidebar = new MLXSidebarPage(page);
  }

  /**
   * The MLX sidebar holding the section.
   */
  readonly sidebar: MLXSidebarPage;

  /**
   * The Endpoints section's content.
   */
  get section(): Locator {
    return this.page.locator('#jp-mlx-endpoints');
  }

  /**
   * Open the MLX sidebar and make sure the Endpoints section is expanded.
   */
  async open(): Promise<void> {
    await this.sidebar.expandSection('Endpoints', this.section);
  }

  /**
   * Collapse every other section of the sidebar, so the Endpoints section
   * takes its whole height.
   */
  async only(): Promise<void> {
    await this.sidebar.onlySection('Endpoints');
  }

  /**
   * The row of the endpoint `name` in the section.
   */
  endpoint(name: string): Locator {
    return this.section
      .getByRole('list', { name: 'Endpoints' })
      .getByRole('listitem', { name, exact: true });
  }

  /**
   * The open Serve dialog.
   */
  get dialog(): Locator {
    return this.page.locator('.jp-Dialog');
  }

  /**
   * Fill the open Serve dialog's name and serve; the dialog closes once the
   * endpoint is created.
   */
  async serve(name: string): Promise<void> {
    await this.dialog.getByLabel('Endpoint name').fill(name);
    await this.dialog
      .getByRole('button', { name: 'Serve', exact: true })
      .click();
    await this.dialog.waitFor({ state: 'detached', timeout: 30_000 });
  }

  /**
   * The view of the endpoint `name` in the main area.
   */
  view(name: string): Locator {
    return this.page.locator(`[id="mlx-endpoint-${name}"]`);
  }
}
