import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { MLXSidebarPage } from './mlx-sidebar';

/**
 * Page object of the Experiments section and of the run comparison view.
 */
export class ExperimentsPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.sidebar = new MLXSidebarPage(page);
  }

  /**
   * The MLX sidebar holding the section.
   */
  readonly sidebar: MLXSidebarPage;

  /**
   * The Experiments section's content.
   */
  get section(): Locator {
    return this.page.locator('#jp-mlx-experiments');
  }

  /**
   * Open the MLX sidebar and make sure the Experiments section is expanded.
   */
  async open(): Promise<void> {
    await this.sidebar.open();
    const heading = this.sidebar.sectionHeading('Experiments');
    await heading.waitFor({ state: 'visible' });
    if ((await heading.getAttribute('aria-expanded')) === 'false') {
      await heading.click();
    }
    await this.section.waitFor({ state: 'visible' });
  }

  /**
   * The listed runs.
   */
  get runs(): Locator {
    return this.section.locator('.jp-mlx-RunsList-run');
  }

  /**
   * The names of the listed runs, in order.
   */
  async runNames(): Promise<string[]> {
    return this.section.locator('.jp-mlx-RunsList-name').allInnerTexts();
  }

  /**
   * Select a run by its name.
   */
  async select(name: string): Promise<void> {
    await this.section
      .getByRole('checkbox', { name: `Select run ${name}` })
      .check();
  }

  /**
   * The button comparing the selected runs.
   */
  get compareButton(): Locator {
    return this.section.getByRole('button', { name: /^Compare/ });
  }

  /**
   * The run comparison view in the main area.
   */
  get comparison(): Locator {
    return this.page.locator('.jp-mlx-RunComparisonView:visible');
  }

  /**
   * The charts of the comparison view.
   */
  get comparisonCharts(): Locator {
    return this.comparison.locator('.jp-mlx-Chart');
  }

  /**
   * The body of the artifact viewer showing the artifact `path` (rendered in
   * a sandboxed frame).
   */
  artifactFrame(path: string): Locator {
    return this.page
      .frameLocator(`iframe.jp-mlx-ArtifactViewer-frame[title="${path}"]`)
      .locator('body');
  }

  /**
   * The command link named `name` in the output of the active notebook's
   * cell `cellIndex`: a link-styled button that runs a JupyterLab command.
   */
  async commandLink(cellIndex: number, name: string): Promise<Locator> {
    const output = await this.page.notebook.getCellOutputLocator(cellIndex);
    if (!output) {
      throw new Error(`Cell ${cellIndex} has no output`);
    }
    return output.getByRole('button', { name, exact: true });
  }

  /**
   * The table of the parameters of the compared runs.
   */
  get paramsTable(): Locator {
    return this.comparison.getByRole('table', {
      name: 'Parameters of the compared runs'
    });
  }
}
