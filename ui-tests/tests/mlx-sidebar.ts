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
   * Open the sidebar and make sure the section titled `title` is expanded;
   * wait until its content (`section`) shows.
   */
  async expandSection(title: string, section: Locator): Promise<void> {
    await this.open();
    const heading = this.sectionHeading(title);
    await heading.waitFor({ state: 'visible' });
    if ((await heading.getAttribute('aria-expanded')) === 'false') {
      await heading.click();
    }
    await section.waitFor({ state: 'visible' });
  }

  /**
   * Collapse every section but the one titled `title` (expanded), so it takes
   * the sidebar's whole height.
   */
  async onlySection(title: string): Promise<void> {
    const headings = this.panel.locator('.lm-AccordionPanel-title');
    for (const heading of await headings.all()) {
      const expanded = (await heading.getAttribute('aria-expanded')) === 'true';
      const wanted = (await heading.textContent())?.trim() === title;
      if (expanded !== wanted) {
        await heading.click();
      }
    }
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
