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
    await this.sidebar.open();
    const heading = this.sidebar.sectionHeading('Endpoints');
    await heading.waitFor({ state: 'visible' });
    if ((await heading.getAttribute('aria-expanded')) === 'false') {
      await heading.click();
    }
    await this.section.waitFor({ state: 'visible' });
  }

  /**
   * Collapse every other section of the sidebar, so the Endpoints section
   * takes its whole height.
   */
  async only(): Promise<void> {
    const headings = this.sidebar.panel.locator('.lm-AccordionPanel-title');
    for (const heading of await headings.all()) {
      const expanded = (await heading.getAttribute('aria-expanded')) === 'true';
      const isEndpoints = (await heading.textContent())?.trim() === 'Endpoints';
      if (expanded !== isEndpoints) {
        await heading.click();
      }
    }
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
