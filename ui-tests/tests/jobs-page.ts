import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { MLXSidebarPage } from './mlx-sidebar';

/**
 * Page object of the jobs feature: the "Run with Parameters" dialog, the Jobs
 * section of the MLX sidebar, the job run view and the output viewer.
 */
export class JobsPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.sidebar = new MLXSidebarPage(page);
  }

  /**
   * The MLX sidebar holding the section.
   */
  readonly sidebar: MLXSidebarPage;

  /**
   * Open the "Run with Parameters" dialog of the notebook at `path` through
   * the command (it resolves once the dialog closes, so it is not awaited).
   */
  async runWithCommand(path: string): Promise<void> {
    await this.page.evaluate(notebook => {
      void window.jupyterapp.commands.execute('mlx:jobs-run-notebook', {
        path: notebook
      });
    }, path);
    await this.dialog.waitFor({ state: 'visible' });
  }

  // The dialog.

  /**
   * The "Run with Parameters" dialog.
   */
  get dialog(): Locator {
    return this.page.locator('.jp-mlx-JobFormDialog');
  }

  /**
   * The dialog's form.
   */
  get form(): Locator {
    return this.dialog.locator('.jp-mlx-JobForm');
  }

  /**
   * The field of the parameter `name`.
   */
  parameter(name: string): Locator {
    return this.form.locator(`.jp-mlx-JobForm-field[data-parameter="${name}"]`);
  }

  /**
   * The input of the parameter `name`.
   */
  parameterInput(name: string): Locator {
    return this.parameter(name).locator('input, textarea');
  }

  /**
   * The error shown beside a field (parameter or run option).
   */
  fieldError(field: Locator): Locator {
    return field.locator('.jp-mlx-JobForm-error');
  }

  /**
   * The run option field `name` (`kernel`, `timeout`, `retries`…).
   */
  option(name: string): Locator {
    return this.form.locator(`.jp-mlx-JobForm-field[data-field="${name}"]`);
  }

  /**
   * The dialog's Run button.
   */
  get runButton(): Locator {
    return this.dialog.getByRole('button', { name: 'Run', exact: true });
  }

  // The Jobs section.

  /**
   * The Jobs section's content.
   */
  get section(): Locator {
    return this.page.locator('.jp-mlx-JobsSection');
  }

  /**
   * Open the MLX sidebar and make sure the Jobs section is expanded.
   */
  async openSection(): Promise<void> {
    await this.sidebar.open();
    const heading = this.sidebar.sectionHeading('Jobs');
    await heading.waitFor({ state: 'visible' });
    if ((await heading.getAttribute('aria-expanded')) === 'false') {
      await heading.click();
    }
    await this.section.waitFor({ state: 'visible' });
  }

  /**
   * The listed run `runId`.
   */
  row(runId: string): Locator {
    return this.section.locator(`.jp-mlx-JobRunRow[data-run-id="${runId}"]`);
  }

  /**
   * The listed runs of the notebook named `fileName`, newest first.
   */
  rowsOf(fileName: string): Locator {
    return this.section.locator('.jp-mlx-JobRunRow', {
      has: this.page.locator('.jp-mlx-JobRunRow-name', {
        hasText: new RegExp(`^${escapeRegExp(fileName)}$`)
      })
    });
  }

  /**
   * The status a listed run ends with, once it has ended (`row`: a run's row).
   */
  async endStatus(row: Locator, timeout: number): Promise<string | null> {
    await expect(row).toHaveAttribute(
      'data-status',
      /^(succeeded|failed|stopped|timed_out|interrupted)$/,
      { timeout }
    );
    return row.getAttribute('data-status');
  }

  // The run view.

  /**
   * What the visible run view says went wrong, if anything (for the message
   * of a failed expectation).
   */
  async runViewError(): Promise<string> {
    const error = this.runView.locator('.jp-mlx-JobError');
    return (await error.count()) > 0
      ? `the run says: ${await error.innerText()}`
      : '';
  }

  /**
   * The visible job run view.
   */
  get runView(): Locator {
    return this.page.locator('.jp-mlx-JobRunView:visible');
  }

  /**
   * The id of the run the visible view shows, once it shows one.
   */
  async shownRunId(): Promise<string> {
    await this.runView.waitFor({ state: 'visible' });
    const id = await this.runView.getAttribute('data-run-id');
    if (!id) {
      throw new Error('The job run view names no run');
    }
    return id;
  }

  /**
   * The status badge of the visible run view.
   */
  get runViewStatus(): Locator {
    return this.runView.locator(
      '.jp-mlx-JobRunDetails-header .jp-mlx-JobStatus'
    );
  }

  /**
   * The log of the visible run view.
   */
  get log(): Locator {
    return this.runView.locator('.jp-mlx-JobLog');
  }

  /**
   * The parameters table of the visible run view.
   */
  get parametersTable(): Locator {
    return this.runView.getByRole('table', { name: 'Parameters' });
  }

  /**
   * The error summary of the visible run view.
   */
  get error(): Locator {
    return this.runView.locator('.jp-mlx-JobError');
  }

  /**
   * A button of the visible run view.
   */
  runViewButton(name: string): Locator {
    return this.runView.getByRole('button', { name, exact: true });
  }

  // The output viewer.

  /**
   * The output viewer of the run `runId`.
   */
  outputViewer(runId: string): Locator {
    return this.page.locator(`.jp-mlx-JobOutputViewer[data-run-id="${runId}"]`);
  }

  /**
   * The frame of the output viewer of the run `runId`.
   */
  outputFrame(runId: string): Locator {
    return this.outputViewer(runId).locator(
      'iframe.jp-mlx-JobOutputViewer-frame'
    );
  }

  /**
   * The body of the output notebook shown for the run `runId`.
   */
  outputBody(runId: string): Locator {
    return this.outputViewer(runId)
      .frameLocator('iframe.jp-mlx-JobOutputViewer-frame')
      .locator('body');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
