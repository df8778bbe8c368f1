import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';

import type { IJobRun } from '../api/types';
import type { IMLXClient } from '../tokens';
import { rerunRequest } from './form';
import type { JobRunsState } from './state/runs';
import { baseName } from './status';

/**
 * What the user does to job runs, from the Jobs section and the run views:
 * stop, re-run and delete, each reporting a failure with the server's
 * message. Runs created here are watched, so that their end is notified.
 */
export class JobActions {
  /**
   * @param options - The client, the runs state, what follows a change and
   * the translation bundle.
   */
  constructor(options: JobActions.IOptions) {
    this._client = options.client;
    this._runs = options.runs;
    this._trans = options.trans;
    this._onCreated = options.onCreated;
    this._onChanged = options.onChanged ?? (() => undefined);
    this._onDeleted = options.onDeleted ?? (() => undefined);
  }

  /**
   * A run was submitted from this page: watch it, point it out and show it.
   */
  submitted(run: IJobRun): void {
    this._runs.watch(run);
    this._runs.highlight(run.id);
    this._onCreated(run);
  }

  /**
   * Stop a queued or running run.
   *
   * @returns The stopped run, or `null` when it could not be stopped (the
   * user was told why).
   */
  async stop(run: IJobRun): Promise<IJobRun | null> {
    try {
      const stopped = await this._client.stopJobRun(run.id);
      this._runs.upsert(stopped);
      this._onChanged(stopped);
      return stopped;
    } catch (reason) {
      notifyFailure(
        this._trans.__(
          'Cannot stop the run of %1: %2',
          baseName(run.notebook),
          failureMessage(reason)
        )
      );
      return null;
    }
  }

  /**
   * Run a run's notebook again with the same parameters and options, as
   * another run of the same job.
   *
   * @returns The new run, or `null` when it could not be created (the user
   * was told why).
   */
  async rerun(run: IJobRun): Promise<IJobRun | null> {
    try {
      const created = await this._client.createJobRun({
        ...rerunRequest(run),
        idempotency_key: UUID.uuid4()
      });
      this.submitted(created);
      return created;
    } catch (reason) {
      notifyFailure(
        this._trans.__(
          'Cannot run %1 again: %2',
          baseName(run.notebook),
          failureMessage(reason)
        )
      );
      return null;
    }
  }

  /**
   * Delete a run that has ended, with its files, once the user confirms.
   *
   * @returns Whether the run was deleted.
   */
  async delete(run: IJobRun): Promise<boolean> {
    const trans = this._trans;
    const answer = await showDialog({
      title: trans.__('Delete job run?'),
      body: trans.__(
        'Delete the run of %1 created %2, with its output and log? Its MLflow run is kept.',
        run.notebook,
        new Date(run.created_at).toLocaleString()
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Delete') })
      ]
    });
    if (!answer.button.accept) {
      return false;
    }
    try {
      await this._client.deleteJobRun(run.id);
    } catch (reason) {
      notifyFailure(
        trans.__(
          'Cannot delete the run of %1: %2',
          baseName(run.notebook),
          failureMessage(reason)
        )
      );
      return false;
    }
    this._runs.remove(run.id);
    this._onDeleted(run.id);
    return true;
  }

  private _client: IMLXClient;
  private _onChanged: (run: IJobRun) => void;
  private _onCreated: (run: IJobRun) => void;
  private _onDeleted: (runId: string) => void;
  private _runs: JobRunsState;
  private _trans: TranslationBundle;
}

/**
 * Types of `JobActions`.
 */
export namespace JobActions {
  /**
   * Options of the job actions.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The runs of the Jobs section, which also watches submitted runs.
     */
    runs: JobRunsState;
    /**
     * Show a run submitted from this page (reveal the section, open its
     * view).
     */
    onCreated: (run: IJobRun) => void;
    /**
     * Show a run's newer state (in its open view).
     */
    onChanged?: (run: IJobRun) => void;
    /**
     * Close what shows a deleted run.
     */
    onDeleted?: (runId: string) => void;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}

/**
 * The message of a failure: the server's, for an API error.
 */
export function failureMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * Tell the user that an action failed; the notification stays until closed.
 */
export function notifyFailure(text: string): void {
  Notification.error(text, { autoClose: false });
}
