import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { JobsPage } from './jobs-page';

/**
 * Page object of schedules and sweeps: the "Schedule" dialog and the sweep
 * part of the "Run with Parameters" dialog (the jobs dialog, seen through
 * `jobs`), the Jobs section's "Schedules" list, the definition and sweep
 * views, and the confirmation of a delete.
 */
export class SchedulesPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.jobs = new JobsPage(page);
  }

  /**
   * The jobs dialog, Jobs section and run view.
   */
  readonly jobs: JobsPage;

  /**
   * Open the "Schedule" dialog of the notebook at `path` through the command
   * (it resolves once the dialog closes, so it is not awaited).
   */
  async scheduleWithCommand(path: string): Promise<void> {
    await this.page.evaluate(notebook => {
      void window.jupyterapp.commands.execute('mlx:schedule-job', {
        path: notebook
      });
    }, path);
    await this.dialog.waitFor({ state: 'visible' });
  }

  // The dialog.

  /**
   * The "Schedule" (or "Run with Parameters") dialog.
   */
  get dialog(): Locator {
    return this.jobs.dialog;
  }

  /**
   * The dialog's field labelled `label`.
   */
  field(label: string): Locator {
    return this.dialog.getByLabel(label, { exact: true });
  }

  /**
   * The select of the schedule's preset.
   */
  get preset(): Locator {
    return this.dialog.getByRole('combobox', { name: 'Schedule', exact: true });
  }

  /**
   * The error shown beside the field labelled `label`.
   */
  fieldError(label: string): Locator {
    return this.dialog
      .locator('.jp-mlx-JobForm-field', {
        has: this.page.getByLabel(label, { exact: true })
      })
      .getByRole('alert');
  }

  /**
   * The schedule's next fire times.
   */
  get fireTimes(): Locator {
    return this.dialog.getByRole('list', { name: 'Next fire times' });
  }

  /**
   * The schedule in words.
   */
  get description(): Locator {
    return this.dialog.locator('.jp-mlx-SchedulePreview-description');
  }

  /**
   * The dialog's main button named `name` ("Create schedule", "Start sweep").
   */
  mainButton(name: string): Locator {
    return this.dialog.getByRole('button', { name, exact: true });
  }

  /**
   * The switch sweeping the parameter `name`.
   */
  sweepToggle(name: string): Locator {
    return this.dialog.getByRole('button', { name: `Sweep ${name}` });
  }

  /**
   * What the sweep's grid size says.
   */
  get gridSize(): Locator {
    return this.dialog.getByRole('status', { name: 'Runs of the grid' });
  }

  // The Jobs section.

  /**
   * The Jobs section's list of definitions.
   */
  get schedules(): Locator {
    return this.jobs.section.getByRole('list', {
      name: 'Schedules',
      exact: true
    });
  }

  /**
   * The listed definition named `name`.
   */
  schedule(name: string): Locator {
    return this.schedules.getByRole('listitem', { name, exact: true });
  }

  /**
   * The strip of recent runs of the listed definition named `name`.
   */
  strip(name: string): Locator {
    return this.schedule(name).getByRole('list', {
      name: `Recent runs of ${name}`
    });
  }

  /**
   * A button of the listed definition named `name` ("Pause", "Resume"…).
   */
  scheduleButton(name: string, button: string): Locator {
    return this.schedule(name).getByRole('button', {
      name: button,
      exact: true
    });
  }

  // The views.

  /**
   * The visible definition view.
   */
  get definitionView(): Locator {
    return this.page.locator('.jp-mlx-JobDefinitionView:visible');
  }

  /**
   * The visible sweep view.
   */
  get sweepView(): Locator {
    return this.page.locator('.jp-mlx-SweepView:visible');
  }

  /**
   * The progress bar of the visible sweep view.
   */
  get sweepProgress(): Locator {
    return this.sweepView.getByRole('progressbar', { name: 'Sweep progress' });
  }

  /**
   * The visible comparison view of Experiments.
   */
  get comparison(): Locator {
    return this.page.locator('.jp-mlx-RunComparisonView:visible');
  }

  // The confirmation of a delete.

  /**
   * The dialog asking whether to delete.
   */
  confirmation(title: string): Locator {
    return this.page.locator('.jp-Dialog', {
      has: this.page.locator('.jp-Dialog-header', { hasText: title })
    });
  }
}
