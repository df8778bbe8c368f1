import { expect, test } from '@jupyterlab/galata';

import { EXAMPLE, notebook, screenshots } from './helpers';
import { JobsPage } from './jobs-page';

/**
 * How long a run of the example may take on a small machine: a fresh kernel
 * imports torch and MLflow and logs a model.
 */
const RUN_TIMEOUT = 120_000;

/**
 * Save a screenshot of the page as an artifact of the test.
 */
const screenshot = screenshots('jobs');

test.describe('Jobs', () => {
  // An action on a control that never becomes actionable fails, not hangs.
  test.use({ actionTimeout: 30_000 });

  test('runs the example with a parameter from the toolbar, then shows its run, log, output and MLflow run', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(240_000);
    const jobs = new JobsPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;

    // Given the example notebook, open
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');

    // When its toolbar's "Run job" is clicked
    await page
      .locator('.jp-NotebookPanel:visible .jp-mlx-JobsToolbarButton')
      .getByRole('button', { name: 'Run job' })
      .click();

    // Then the dialog shows each parameter typed from its default
    await expect(jobs.dialog).toBeVisible();
    await expect(jobs.dialog).toContainText(
      'Run train_classifier.ipynb with Parameters'
    );
    const defaults = [
      ['lr', 'float', '0.01'],
      ['epochs', 'int', '30'],
      ['hidden', 'int', '32'],
      ['seed', 'int', '0']
    ];
    for (const [name, type, value] of defaults) {
      const field = jobs.parameter(name);
      await expect(field).toHaveAttribute('data-type', type, {
        timeout: 30_000
      });
      await expect(field).toContainText(`default: ${value}`);
      await expect(jobs.parameterInput(name)).toHaveAttribute(
        'placeholder',
        value
      );
      await expect(jobs.parameterInput(name)).toHaveValue(value);
    }
    // And the run options, with the notebook's kernel chosen
    await expect(jobs.option('kernel').locator('select')).toHaveValue(
      'python3'
    );
    for (const option of ['timeout', 'retries', 'experiment']) {
      await expect(jobs.option(option)).toBeVisible();
    }
    await expect(jobs.form.locator('.jp-mlx-JobForm-error')).toHaveCount(0);
    await screenshot(page, 'dialog-defaults', testInfo);

    // When a number that is not an integer is typed for epochs
    await jobs.parameterInput('epochs').fill('3.5');

    // Then the error shows beside the field, Run is disabled, and submitting
    // with Enter keeps the dialog open
    await expect(jobs.fieldError(jobs.parameter('epochs'))).toHaveText(
      /integer/
    );
    await expect(jobs.parameterInput('epochs')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await expect(jobs.form.locator('.jp-mlx-JobForm-error')).toHaveCount(1);
    await expect(jobs.runButton).toBeDisabled();
    await jobs.parameterInput('epochs').press('Enter');
    await expect(jobs.form).toHaveAttribute('aria-busy', 'false');
    await expect(jobs.dialog).toBeVisible();
    await expect(jobs.fieldError(jobs.parameter('epochs'))).toHaveText(
      /integer/
    );
    await screenshot(page, 'dialog-field-error', testInfo);

    // When it is fixed and the run submitted
    await jobs.parameterInput('epochs').fill('3');
    await expect(jobs.fieldError(jobs.parameter('epochs'))).toHaveCount(0);
    await expect(jobs.runButton).toBeEnabled();
    await jobs.runButton.click();

    // Then the dialog closes, the run's view opens and the Jobs section lists it
    await expect(jobs.dialog).toHaveCount(0, { timeout: 30_000 });
    const runId = await jobs.shownRunId();
    await expect(jobs.section).toBeVisible();
    const row = jobs.row(runId);
    await expect(row).toContainText('train_classifier.ipynb');
    // And it runs, then succeeds
    await expect(row).toHaveAttribute('data-status', /^(running|succeeded)$/, {
      timeout: 60_000
    });
    expect(
      await jobs.endStatus(row, RUN_TIMEOUT),
      await jobs.runViewError()
    ).toBe('succeeded');
    await expect(row.locator('.jp-mlx-JobStatus')).toHaveAttribute(
      'data-status',
      'succeeded'
    );
    await expect(row.locator('.jp-mlx-JobStatus')).toHaveText(/Succeeded/);
    await screenshot(page, 'section-succeeded', testInfo);

    // And its view says so, with the whole log of what the notebook printed
    await expect(jobs.runView).toHaveAttribute('data-status', 'succeeded', {
      timeout: 30_000
    });
    await expect(jobs.runViewStatus).toHaveText(/Succeeded/);
    await expect(jobs.log).toHaveAttribute('data-complete', 'true', {
      timeout: 30_000
    });
    await expect(jobs.log).toContainText(/epoch\s+1\s+train loss/);
    await expect(jobs.log).toContainText(/epoch\s+3\s+train loss/);
    await expect(jobs.log).not.toContainText(/epoch\s+10\s+train loss/);
    await expect(jobs.log).toContainText('predicted:');
    // And the parameters given: epochs 3 only
    const parameterRows = jobs.parametersTable.locator('tbody tr');
    await expect(parameterRows).toHaveCount(1);
    await expect(parameterRows.first().locator('th')).toHaveText('epochs');
    await expect(parameterRows.first().locator('td')).toHaveText('3');
    await screenshot(page, 'run-view', testInfo);

    // When its output notebook is opened
    await jobs.runViewButton('Open output').click();

    // Then it is shown, rendered, from its title on
    await expect(jobs.outputFrame(runId)).toBeVisible({ timeout: 30_000 });
    await expect(jobs.outputBody(runId)).toContainText(
      'Train a wine classifier',
      { timeout: 30_000 }
    );
    await expect(jobs.outputBody(runId)).toContainText(
      /epoch\s+3\s+train loss/
    );
    await screenshot(page, 'output', testInfo);

    // When the run view's "Open in Experiments" is clicked
    await page.evaluate(
      id =>
        window.jupyterapp.commands.execute('mlx:open-job-run', {
          job_run_id: id
        }),
      runId
    );
    await expect(jobs.runView).toHaveAttribute('data-run-id', runId);
    await jobs.runViewButton('Open in Experiments').click();

    // Then the MLflow run of the job run is shown
    const mlflowView = page.locator('.jp-mlx-RunView:visible');
    await expect(mlflowView.locator('.jp-mlx-RunDetails-title')).toBeVisible({
      timeout: 30_000
    });
    await expect(mlflowView.locator('.jp-mlx-RunDetails-facts')).toContainText(
      runId
    );
    await expect(
      mlflowView.getByRole('table', { name: 'Parameters' })
    ).toContainText('epochs');
  });

  test('stops a running run from its row', async ({ page, tmpPath }) => {
    test.setTimeout(120_000);
    const jobs = new JobsPage(page);
    const notebookPath = `${tmpPath}/sleep.ipynb`;

    // Given a notebook that sleeps two minutes
    await page.contents.uploadContent(
      notebook(['seconds = 120', 'import time\ntime.sleep(seconds)'], true),
      'text',
      notebookPath
    );

    // When it is run with the command
    await jobs.runWithCommand(notebookPath);
    await expect(jobs.parameter('seconds')).toHaveAttribute(
      'data-type',
      'int',
      { timeout: 30_000 }
    );
    await jobs.runButton.click();
    await expect(jobs.dialog).toHaveCount(0, { timeout: 30_000 });
    const runId = await jobs.shownRunId();
    await expect(jobs.section).toBeVisible();

    // And stopped from its row once it is running
    const row = jobs.row(runId);
    await expect(row).toHaveAttribute(
      'data-status',
      /^(running|succeeded|failed|stopped|timed_out|interrupted)$/,
      { timeout: 60_000 }
    );
    expect(
      await row.getAttribute('data-status'),
      await jobs.runViewError()
    ).toBe('running');
    await row.getByRole('button', { name: 'Stop run of sleep.ipynb' }).click();

    // Then the row and the view say it stopped
    await expect(row).toHaveAttribute('data-status', 'stopped', {
      timeout: 30_000
    });
    await expect(row.locator('.jp-mlx-JobStatus')).toHaveText(/Stopped/);
    await expect(jobs.runView).toHaveAttribute('data-status', 'stopped', {
      timeout: 30_000
    });
    await expect(jobs.runViewStatus).toHaveText(/Stopped/);
    await expect(jobs.runViewButton('Stop')).toHaveCount(0);
    await expect(
      row.getByRole('button', { name: 'Delete run of sleep.ipynb' })
    ).toBeVisible();
  });

  test('shows the error of a failing run and opens its output at the failing cell', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(120_000);
    const jobs = new JobsPage(page);
    const notebookPath = `${tmpPath}/failing.ipynb`;

    // Given a notebook whose second code cell raises
    await page.contents.uploadContent(
      notebook(['x = 1', "raise ValueError('bad input')", 'print("never")']),
      'text',
      notebookPath
    );

    // When it is run with the command
    await jobs.runWithCommand(notebookPath);
    await expect(jobs.form).toContainText('no cell tagged “parameters”', {
      timeout: 30_000
    });
    await jobs.runButton.click();
    await expect(jobs.dialog).toHaveCount(0, { timeout: 30_000 });
    const runId = await jobs.shownRunId();
    await expect(jobs.section).toBeVisible();

    // Then it fails, and its view shows why
    expect(await jobs.endStatus(jobs.row(runId), 60_000)).toBe('failed');
    await expect(jobs.runView).toHaveAttribute('data-status', 'failed', {
      timeout: 30_000
    });
    await expect(jobs.runViewStatus).toHaveText(/Failed/);
    await expect(jobs.error).toContainText('ValueError');
    await expect(jobs.error).toContainText('bad input');
    const cellIndex = await jobs.error.getAttribute('data-cell-index');
    expect(cellIndex).toMatch(/^\d+$/);
    await screenshot(page, 'failed-run-view', testInfo);

    // When the output is opened at the failing cell
    await jobs.runViewButton('Open output at failing cell').click();

    // Then the viewer shows the output notebook at that cell
    const frame = jobs.outputFrame(runId);
    await expect(frame).toBeVisible({ timeout: 30_000 });
    await expect(frame).toHaveAttribute(
      'src',
      new RegExp(`#cell-${cellIndex}$`)
    );
    await expect(jobs.outputViewer(runId)).toHaveAttribute(
      'data-cell-index',
      cellIndex!
    );
    await expect(jobs.outputBody(runId)).toContainText('bad input', {
      timeout: 30_000
    });
    await expect(
      jobs.outputBody(runId).locator(`[id="cell-${cellIndex}"]`)
    ).toContainText('ValueError');
    await screenshot(page, 'failed-output', testInfo);
  });
});
