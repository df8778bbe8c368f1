import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/**
 * Page object of the MLX sidebar.
 */
export class MLXSidebarPage {
  static readonly id = 'jp-mlx-sidebar';

  constructor(readonly page: IJupyterLabPageFixture) {}

  /**
   * The sidebar panel.
   */
  get panel(): Locator {
    return this.page.locator(`#${MLXSidebarPage.id}`);
  }

  /**
   * The tab of the sidebar in the left bar.
   */
  get tab(): Locator {
    return this.page.sidebar.getTabLocator(MLXSidebarPage.id);
  }

  /**
   * Open the sidebar, or leave it open: through its tab when it is closed. The tab is never
   * clicked while the sidebar is open, or opening (an action revealing its section), since a
   * click on the current tab closes it.
   */
  async open(): Promise<void> {
    if (!(await this.panel.isVisible())) {
      await this.page.evaluate(
        id => window.jupyterapp.shell.activateById(id),
        MLXSidebarPage.id
      );
    }
    await this.panel.waitFor({ state: 'visible' });
  }

  /**
   * The heading of the section titled `title`.
   */
  sectionHeading(title: string): Locator {
    return this.panel.locator('.lm-AccordionPanel-title', { hasText: title });
  }

  /**
   * The value listed under `term` in the Server status section.
   */
  statusValue(term: string): Locator {
    return this.panel
      .locator('.jp-mlx-ServerStatus-facts dt', { hasText: term })
      .locator('xpath=following-sibling::dd[1]');
  }

  /**
   * The refresh button of the Server status section.
   */
  get refreshButton(): Locator {
    return this.panel.getByRole('button', { name: 'Refresh server status' });
  }
}
