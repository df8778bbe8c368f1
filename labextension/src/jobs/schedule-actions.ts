import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  IJobDefinition,
  IJobRun,
  ISweep,
  ITriggerJobResponse
} from '../api/types';
import type { IMLXClient } from '../tokens';
import { failureMessage, notifyFailure } from './actions';
import { formatTime } from './components/job-status';
import type { JobDefinitionsState } from './state/definitions';
import type { SweepsState } from './state/sweeps';

/**
 * Milliseconds a success notification stays.
 */
const SUCCESS_AUTO_CLOSE_MS = 5_000;

/**
 * What the user does to job definitions and sweeps, from the Jobs section
 * and their views: run now, pause, resume, update from the notebook, delete,
 * stop a sweep; each reporting a failure with the server's message.
 */
export class ScheduleActions {
  /**
   * @param options - The client, the listed definitions and sweeps, what
   * follows a change and the translation bundle.
   */
  constructor(options: ScheduleActions.IOptions) {
    this._client = options.client;
    this._definitions = options.definitions;
    this._sweeps = options.sweeps;
    this._trans = options.trans;
    this._on = options.on;
  }

  /**
   * A definition was created or edited in the Schedule dialog: show it and
   * say when it runs.
   *
   * @param edited - Whether it was edited (rather than created).
   */
  saved(definition: IJobDefinition, edited: boolean): void {
    const trans = this._trans;
    this._changed(definition);
    this._definitions.highlight(definition.id);
    const next = definition.next_fire_at
      ? trans.__('Next run: %1.', formatTime(definition.next_fire_at))
      : trans.__('It runs on demand.');
    Notification.success(
      edited
        ? trans.__('Schedule %1 saved. %2', definition.name, next)
        : trans.__('Schedule %1 created. %2', definition.name, next),
      { autoClose: SUCCESS_AUTO_CLOSE_MS }
    );
  }

  /**
   * Run a definition now.
   *
   * @returns What it started, or `null` when it could not (the user was
   * told why).
   */
  async trigger(
    definition: IJobDefinition
  ): Promise<ITriggerJobResponse | null> {
    try {
      const started = await this._client.triggerJob(definition.id);
      if (started.run) {
        this._on.run(started.run);
      }
      if (started.sweep) {
        void this._sweeps.refresh();
        this._on.sweep(started.sweep);
      }
      void this._definitions.refresh();
      return started;
    } catch (reason) {
      this._failed(
        this._trans.__('Cannot run %1 now', definition.name),
        reason
      );
      return null;
    }
  }

  /**
   * Stop firing a definition's schedule.
   *
   * @returns The paused definition, or `null` (the user was told why).
   */
  pause(definition: IJobDefinition): Promise<IJobDefinition | null> {
    return this._change(
      () => this._client.pauseJob(definition.id),
      this._trans.__('Cannot pause %1', definition.name)
    );
  }

  /**
   * Fire a paused definition's schedule again.
   *
   * @returns The active definition, or `null` (the user was told why).
   */
  resume(definition: IJobDefinition): Promise<IJobDefinition | null> {
    return this._change(
      () => this._client.resumeJob(definition.id),
      this._trans.__('Cannot resume %1', definition.name)
    );
  }

  /**
   * Take a new copy of a definition's notebook for its next runs.
   *
   * @returns The updated definition, or `null` (the user was told why).
   */
  async updateFromNotebook(
    definition: IJobDefinition
  ): Promise<IJobDefinition | null> {
    const trans = this._trans;
    const updated = await this._change(
      () => this._client.updateJobFromNotebook(definition.id),
      trans.__('Cannot update %1 from %2', definition.name, definition.notebook)
    );
    if (updated) {
      Notification.success(
        trans.__('%1 now runs %2 as saved.', updated.name, updated.notebook),
        { autoClose: SUCCESS_AUTO_CLOSE_MS }
      );
    }
    return updated;
  }

  /**
   * Delete a definition once the user confirms, keeping its runs or not;
   * its active runs are stopped.
   *
   * @returns Whether it was deleted.
   */
  async delete(definition: IJobDefinition): Promise<boolean> {
    const trans = this._trans;
    const keepRuns = await confirmDelete(
      trans.__('Delete schedule?'),
      trans.__(
        'Delete %1? Its runs still going are stopped; it will not run again.',
        definition.name
      ),
      trans
    );
    if (keepRuns === null) {
      return false;
    }
    try {
      await this._client.deleteJob(definition.id, {
        keep_runs: keepRuns,
        stop_runs: true
      });
    } catch (reason) {
      this._failed(trans.__('Cannot delete %1', definition.name), reason);
      return false;
    }
    this._definitions.remove(definition.id);
    this._on.deleted(definition.id);
    return true;
  }

  /**
   * Stop a running sweep.
   *
   * @returns The stopped sweep, or `null` (the user was told why).
   */
  async stopSweep(sweep: ISweep): Promise<ISweep | null> {
    try {
      const stopped = await this._client.stopSweep(sweep.id);
      void this._sweeps.refresh();
      this._on.sweepChanged(stopped);
      return stopped;
    } catch (reason) {
      this._failed(this._trans.__('Cannot stop %1', sweep.name), reason);
      return null;
    }
  }

  /**
   * Delete an ended sweep once the user confirms, keeping its trials' runs
   * or not.
   *
   * @returns Whether it was deleted.
   */
  async deleteSweep(sweep: ISweep): Promise<boolean> {
    const trans = this._trans;
    const keepRuns = await confirmDelete(
      trans.__('Delete sweep?'),
      trans.__('Delete the sweep %1?', sweep.name),
      trans
    );
    if (keepRuns === null) {
      return false;
    }
    try {
      await this._client.deleteSweep(sweep.id, { keep_runs: keepRuns });
    } catch (reason) {
      this._failed(trans.__('Cannot delete %1', sweep.name), reason);
      return false;
    }
    void this._sweeps.refresh();
    this._on.sweepDeleted(sweep.id);
    return true;
  }

  /**
   * Change a definition on the server and show its new state.
   */
  private async _change(
    change: () => Promise<IJobDefinition>,
    failure: string
  ): Promise<IJobDefinition | null> {
    try {
      const changed = await change();
      this._changed(changed);
      return changed;
    } catch (reason) {
      this._failed(failure, reason);
      return null;
    }
  }

  private _changed(definition: IJobDefinition): void {
    this._definitions.upsert(definition);
    this._on.changed(definition);
  }

  private _failed(what: string, reason: unknown): void {
    notifyFailure(this._trans.__('%1: %2', what, failureMessage(reason)));
  }

  private _client: IMLXClient;
  private _definitions: JobDefinitionsState;
  private _on: ScheduleActions.IFollowUps;
  private _sweeps: SweepsState;
  private _trans: TranslationBundle;
}

/**
 * Types of `ScheduleActions`.
 */
export namespace ScheduleActions {
  /**
   * What follows an action, beyond the Jobs section's lists.
   */
  export interface IFollowUps {
    /**
     * Show a run a definition started.
     */
    run(run: IJobRun): void;
    /**
     * Show a sweep a definition started.
     */
    sweep(sweep: ISweep): void;
    /**
     * Show a definition's newer state (in its open view).
     */
    changed(definition: IJobDefinition): void;
    /**
     * Close what shows a deleted definition.
     */
    deleted(jobId: string): void;
    /**
     * Show a sweep's newer state (in its open view).
     */
    sweepChanged(sweep: ISweep): void;
    /**
     * Close what shows a deleted sweep.
     */
    sweepDeleted(sweepId: string): void;
  }

  /**
   * Options of the schedule actions.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The definitions of the Jobs section.
     */
    definitions: JobDefinitionsState;
    /**
     * The sweeps of the Jobs section.
     */
    sweeps: SweepsState;
    /**
     * What follows an action.
     */
    on: IFollowUps;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}

/**
 * Ask whether to delete, and whether to keep the runs.
 *
 * @returns Whether to keep the runs, or `null` when the user cancelled.
 */
export async function confirmDelete(
  title: string,
  body: string,
  trans: TranslationBundle
): Promise<boolean | null> {
  const answer = await showDialog({
    title,
    body,
    checkbox: {
      label: trans.__('Keep its runs (their outputs and logs)'),
      caption: trans.__('Unchecked, its runs are deleted with their files'),
      checked: true
    },
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') })
    ]
  });
  return answer.button.accept ? (answer.isChecked ?? true) : null;
}
