import { expect, test } from '@jupyterlab/galata';

import { EXAMPLE, notebook, screenshots } from './helpers';
import { SchedulesPage } from './schedules-page';

/**
 * Save a screenshot of the page as an artifact of the test.
 */
const screenshot = screenshots('schedules');

/**
 * How long to wait for an every-minute schedule to fire: up to a minute to
 * the next instant, then the scheduler's look and the list's refresh.
 */
const FIRE_TIMEOUT = 150_000;

/**
 * How long a 2x2 grid of a tiny tracked notebook may take: four fresh
 * kernels importing MLflow, two at a time.
 */
const SWEEP_TIMEOUT = 120_000;

/**
 * The wall-clock time (`07:05 PM`) of an instant in a time zone, as the
 * Schedule dialog writes it in the test browser's locale (en-US).
 */
function wallClock(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleTimeString('en-US', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone
  });
}

/**
 * The runs of the definition `jobId`, from the REST API.
 */
async function runsOf(
  schedules: SchedulesPage,
  jobId: string
): Promise<unknown[]> {
  const response = await schedules.page.request.get(
    `/mlx/api/job-runs?job_id=${encodeURIComponent(jobId)}`
  );
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { runs: unknown[] }).runs;
}

/**
 * The definitions of the notebook at `path`, from the REST API.
 */
async function definitionsOf(
  schedules: SchedulesPage,
  path: string
): Promise<unknown[]> {
  const response = await schedules.page.request.get(
    `/mlx/api/jobs?notebook=${encodeURIComponent(path)}`
  );
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { jobs: unknown[] }).jobs;
}

test.describe('Schedules and sweeps', () => {
  // An action on a control that never becomes actionable fails, not hangs.
  test.use({ actionTimeout: 30_000 });

  test('schedules the example every minute in a time zone, sees it fire, pauses, resumes and deletes it', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(240_000);
    const schedules = new SchedulesPage(page);
    const notebookPath = `${tmpPath}/train_classifier.ipynb`;
    const name = 'Wine classifier every minute';

    // Given the example notebook, open
    await page.contents.uploadFile(EXAMPLE, notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate('train_classifier.ipynb');

    // When its toolbar's "Schedule" is clicked
    await page
      .locator('.jp-NotebookPanel:visible .jp-mlx-JobsToolbarButton')
      .getByRole('button', { name: 'Schedule' })
      .click();

    // Then the Schedule dialog shows the notebook's parameters and a schedule
    await expect(schedules.dialog).toBeVisible();
    await expect(schedules.dialog).toContainText(
      'Schedule train_classifier.ipynb'
    );
    await expect(schedules.jobs.parameter('epochs')).toHaveAttribute(
      'data-type',
      'int',
      { timeout: 30_000 }
    );
    await expect(schedules.mainButton('Create schedule')).toBeVisible();

    // When it is named and the "every minute" preset chosen
    await schedules.field('Name').fill(name);
    await schedules.preset.selectOption({ label: 'Every minute' });

    // Then the preset's expression, its description and five fire times a
    // minute apart are shown
    await expect(schedules.field('Cron expression')).toHaveValue('* * * * *');
    await expect(schedules.description).toHaveText('Every minute', {
      timeout: 30_000
    });
    const times = schedules.fireTimes.getByRole('listitem');
    await expect(times).toHaveCount(5);

    // When the time zone is Europe/Paris
    await schedules.field('Time zone').fill('Europe/Paris');

    // Then the five times are a minute apart, in the future, and written in
    // Paris's wall-clock time and zone
    await expect(times.first()).toContainText(/GMT\+[12]/, {
      timeout: 30_000
    });
    await expect(times).toHaveCount(5);
    const instants = await schedules.fireTimes
      .locator('time')
      .evaluateAll(nodes => nodes.map(node => node.getAttribute('datetime')!));
    expect(instants).toHaveLength(5);
    const millis = instants.map(iso => Date.parse(iso));
    expect(millis[0]).toBeGreaterThan(Date.now() - 5_000);
    for (let index = 1; index < millis.length; index++) {
      expect(millis[index] - millis[index - 1]).toBe(60_000);
    }
    for (let index = 0; index < instants.length; index++) {
      await expect(times.nth(index)).toContainText(
        wallClock(instants[index], 'Europe/Paris')
      );
      await expect(times.nth(index)).toContainText(/GMT\+[12]/);
    }
    await expect(schedules.dialog.getByRole('alert')).toHaveCount(0);
    await screenshot(page, 'dialog-every-minute-paris', testInfo);

    // When the schedule is created
    await schedules.mainButton('Create schedule').click();

    // Then the dialog closes, and the Jobs section's "Schedules" lists it:
    // active, every minute, with its next fire
    await expect(schedules.dialog).toHaveCount(0, { timeout: 30_000 });
    await schedules.jobs.openSection();
    const item = schedules.schedule(name);
    await expect(item).toBeVisible({ timeout: 30_000 });
    await expect(item).toHaveAttribute('data-active', 'true');
    await expect(item).toContainText('Active');
    await expect(item).toContainText('Every minute');
    await expect(item.locator('.jp-mlx-NextFire')).toHaveText(/^next /);
    // And the definition's view opened, in Paris time
    await expect(schedules.definitionView).toBeVisible({ timeout: 30_000 });
    await expect(schedules.definitionView).toContainText('Europe/Paris');
    await expect(schedules.definitionView).toContainText('* * * * *');
    await screenshot(page, 'created', testInfo);

    // When the minute comes, the schedule fires: a run of it appears in its
    // strip, triggered by the schedule
    const cells = schedules.strip(name).getByRole('listitem');
    await expect(cells.first()).toBeVisible({ timeout: FIRE_TIMEOUT });
    await expect(cells.first()).toHaveAttribute(
      'data-status',
      /^(queued|running|succeeded)$/
    );
    await expect(cells.first().getByRole('button')).toHaveAccessibleName(
      /· Schedule$/
    );
    // And in the definition's view
    await expect(
      schedules.definitionView.getByRole('list', { name: `Runs of ${name}` })
    ).toBeVisible({ timeout: 30_000 });
    await screenshot(page, 'fired', testInfo);

    // When it is paused from its row
    await schedules.scheduleButton(name, 'Pause').click();

    // Then it says so, offers Resume, and has no next fire
    await expect(item).toHaveAttribute('data-active', 'false', {
      timeout: 30_000
    });
    await expect(item).toContainText('Paused');
    await expect(schedules.scheduleButton(name, 'Resume')).toBeVisible();
    await expect(schedules.scheduleButton(name, 'Pause')).toHaveCount(0);
    await expect(item.locator('.jp-mlx-NextFire')).toHaveText(
      'not firing while paused'
    );
    await screenshot(page, 'paused', testInfo);

    // When it is resumed
    await schedules.scheduleButton(name, 'Resume').click();

    // Then it is active again, with a next fire
    await expect(item).toHaveAttribute('data-active', 'true', {
      timeout: 30_000
    });
    await expect(schedules.scheduleButton(name, 'Pause')).toBeVisible();
    await expect(item.locator('.jp-mlx-NextFire')).toHaveText(/^next /);

    // When it is deleted with its runs
    const jobId = await item.getAttribute('data-job-id');
    expect(jobId).toBeTruthy();
    expect((await runsOf(schedules, jobId!)).length).toBeGreaterThan(0);
    await schedules.scheduleButton(name, 'Delete').click();
    const confirmation = schedules.confirmation('Delete schedule?');
    await expect(confirmation).toBeVisible();
    const keepRuns = confirmation.getByRole('checkbox', {
      name: 'Keep its runs (their outputs and logs)'
    });
    await expect(keepRuns).toBeChecked();
    await keepRuns.uncheck();
    await screenshot(page, 'delete-confirmation', testInfo);
    await confirmation.getByRole('button', { name: 'Delete' }).click();

    // Then it is no longer listed, nor on the server, and its runs (stopped)
    // are gone with it
    await expect(item).toHaveCount(0, { timeout: 30_000 });
    expect(await definitionsOf(schedules, notebookPath)).toHaveLength(0);
    expect(await runsOf(schedules, jobId!)).toHaveLength(0);
  });

  test('shows an invalid cron expression beside its field and creates nothing', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(90_000);
    const schedules = new SchedulesPage(page);
    const notebookPath = `${tmpPath}/tiny.ipynb`;

    // Given a notebook, and its Schedule dialog
    await page.contents.uploadContent(
      notebook(['x = 1', 'print(x)'], true),
      'text',
      notebookPath
    );
    await schedules.scheduleWithCommand(notebookPath);
    await expect(schedules.preset).toBeVisible({ timeout: 30_000 });

    // When a cron expression of three fields is typed
    await schedules.preset.selectOption({ label: 'Custom cron expression' });
    const cron = schedules.field('Cron expression');
    await cron.fill('0 6 *');

    // Then the error shows beside the field
    await expect(schedules.fieldError('Cron expression')).toHaveText(
      /five fields/
    );
    await expect(cron).toHaveAttribute('aria-invalid', 'true');

    // When five fields are typed that the server cannot read (minute 61)
    await cron.fill('61 * * * *');

    // Then the server's reason shows beside the field, and no fire time
    await expect(schedules.fieldError('Cron expression')).not.toHaveText(
      /five fields/,
      { timeout: 30_000 }
    );
    await expect(schedules.fieldError('Cron expression')).toBeVisible();
    await expect(cron).toHaveAttribute('aria-invalid', 'true');
    await expect(schedules.fireTimes).toHaveCount(0);
    await screenshot(page, 'invalid-cron', testInfo);

    // When "Create schedule" is clicked anyway
    await schedules.mainButton('Create schedule').click();

    // Then the dialog stays open with the error, and nothing is created
    await expect(schedules.jobs.form).toHaveAttribute('aria-busy', 'false');
    await expect(schedules.dialog).toBeVisible();
    await expect(schedules.fieldError('Cron expression')).toBeVisible();
    await schedules.dialog
      .getByRole('button', { name: 'Cancel', exact: true })
      .click();
    await expect(schedules.dialog).toHaveCount(0);
    expect(await definitionsOf(schedules, notebookPath)).toHaveLength(0);
  });

  test('sweeps a 2x2 grid from Run with Parameters, shows its progress and best trial, and compares the trials', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(SWEEP_TIMEOUT + 60_000);
    const schedules = new SchedulesPage(page);
    const { jobs } = schedules;
    const notebookPath = `${tmpPath}/quadratic.ipynb`;

    // Given a notebook of two parameters that logs a loss to MLflow
    await page.contents.uploadContent(
      notebook(
        [
          'x = 1\nlr = 0.1',
          [
            '%load_ext jupyter_mlx',
            '%mlx_track',
            'import mlflow',
            "mlflow.log_metric('loss', (x - 2) ** 2 + lr)",
            '%mlx_track --stop'
          ].join('\n')
        ],
        true
      ),
      'text',
      notebookPath
    );

    // When its Run with Parameters dialog sweeps both parameters over two
    // values each
    await jobs.runWithCommand(notebookPath);
    await expect(jobs.parameter('x')).toHaveAttribute('data-type', 'int', {
      timeout: 30_000
    });
    await schedules.sweepToggle('x').click();
    await schedules.sweepToggle('lr').click();
    await expect(schedules.sweepToggle('x')).toHaveAttribute(
      'aria-pressed',
      'true'
    );
    await expect(schedules.sweepToggle('lr')).toHaveAttribute(
      'aria-pressed',
      'true'
    );
    await schedules.field('x values').fill('1, 2');
    await schedules.field('lr values').fill('0.1, 0.2');

    // Then the grid makes four runs
    await expect(schedules.gridSize).toHaveText('The grid makes 4 runs.');

    // When it is ranked by the loss and started
    await schedules.field('Metric').fill('loss');
    await expect(schedules.dialog.getByRole('alert')).toHaveCount(0);
    await screenshot(page, 'sweep-dialog', testInfo);
    await schedules.mainButton('Start sweep').click();

    // Then the sweep's view opens, and its four trials end
    await expect(jobs.dialog).toHaveCount(0, { timeout: 30_000 });
    await expect(schedules.sweepView).toBeVisible({ timeout: 30_000 });
    await expect(schedules.sweepProgress).toHaveAttribute(
      'aria-valuetext',
      '4 of 4',
      { timeout: SWEEP_TIMEOUT }
    );
    await expect(schedules.sweepView).toHaveAttribute(
      'data-status',
      'succeeded',
      { timeout: 30_000 }
    );
    const trials = schedules.sweepView
      .getByRole('table', { name: 'Trials' })
      .locator('tbody tr');
    await expect(trials).toHaveCount(4);
    await expect(
      trials.and(page.locator('[data-status="succeeded"]'))
    ).toHaveCount(4);
    // And the best trial is x=2, lr=0.1, of loss 0.1
    const best = schedules.sweepView.getByRole('region', {
      name: 'Best trial'
    });
    await expect(best).toContainText('best loss (min): 0.1', {
      timeout: 30_000
    });
    await expect(best).toContainText('x=2, lr=0.1');
    await screenshot(page, 'sweep-done', testInfo);

    // When its trials are compared
    const compare = schedules.sweepView.getByRole('button', {
      name: 'Compare trials'
    });
    await expect(compare).toBeEnabled({ timeout: 30_000 });
    await compare.click();

    // Then the Experiments comparison opens with the parallel coordinates
    await expect(schedules.comparison).toBeVisible({ timeout: 30_000 });
    const parallel = schedules.comparison.getByRole('region', {
      name: 'Parallel coordinates'
    });
    await expect(parallel).toBeVisible({ timeout: 30_000 });
    // (ECharts names the chart by describing it; its title is the label)
    const chart = parallel.getByRole('img', { name: /Parallel coordinate/ });
    await expect(chart).toBeVisible({ timeout: 30_000 });
    await expect(chart).toHaveAttribute(
      'title',
      'Parallel coordinates of the varied parameters and the final metrics'
    );
    await expect(chart.locator('canvas').first()).toBeVisible();
    await expect(chart).toHaveAccessibleName(/4 series/);
    await screenshot(page, 'sweep-compared', testInfo);
  });
});
