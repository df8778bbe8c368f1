import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { DisposableDelegate, type IDisposable } from '@lumino/disposable';

import type { IJobRun, IReproduction } from '../api/types';
import { jobStatusLabel } from '../jobs/components/job-status';
import type { ReproductionState } from './state/reproduction';

/**
 * Milliseconds the notice of a successful reproduction stays; the others
 * stay until closed.
 */
const SUCCESS_AUTO_CLOSE_MS = 30_000;

/**
 * What the reproduction of a run does besides asking the server.
 */
export interface IReproduceOptions {
  /**
   * The run's name as the user knows it (its MLflow name, or its id).
   */
  runName: () => string;
  /**
   * Open the view of a job run.
   */
  openJobRun: (jobRunId: string) => void;
  /**
   * Open the comparison of MLflow runs.
   */
  compareRuns: (runIds: string[]) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Reproduce a run: ask the server, tell what may differ (a notification
 * listing the server's warnings, which the run view lists too) and open the
 * reproduction's job run. A refusal is shown by the run view, as one line.
 *
 * @returns The reproduction, or `null` when the server refused it.
 */
export async function reproduceRun(
  state: ReproductionState,
  options: IReproduceOptions
): Promise<IReproduction | null> {
  const reproduction = await state.reproduce();
  if (reproduction === null) {
    return null;
  }
  const { trans } = options;
  const jobRunId = reproduction.job_run.id;
  if (reproduction.warnings.length > 0) {
    Notification.warning(
      trans.__(
        'Reproducing run %1; it may differ: %2',
        options.runName(),
        reproduction.warnings.join(' ')
      ),
      {
        autoClose: false,
        actions: [
          {
            label: trans.__('Open job run'),
            caption: trans.__('Open the job run that reproduces it'),
            callback: () => options.openJobRun(jobRunId)
          }
        ]
      }
    );
  }
  options.openJobRun(jobRunId);
  return reproduction;
}

/**
 * Tell the end of each reproduction a state follows: a success offers
 * "Compare with original" (the comparison of the two MLflow runs), any
 * other end opens the job run.
 *
 * @returns What stops the notifications.
 */
export function notifyReproductionEnd(
  state: ReproductionState,
  options: IReproduceOptions
): IDisposable {
  const { trans } = options;
  const tell = (_: ReproductionState, run: IJobRun): void => {
    const name = options.runName();
    const comparison = state.comparison;
    if (run.status === 'succeeded') {
      Notification.success(
        trans.__('The reproduction of run %1 succeeded.', name),
        {
          autoClose: SUCCESS_AUTO_CLOSE_MS,
          actions: comparison
            ? [
                {
                  label: trans.__('Compare with original'),
                  caption: trans.__(
                    'Compare the metrics and params of the two runs'
                  ),
                  callback: () => options.compareRuns(comparison)
                }
              ]
            : []
        }
      );
      return;
    }
    Notification.error(
      run.error
        ? trans.__(
            'The reproduction of run %1 did not succeed (%2): %3',
            name,
            jobStatusLabel(run.status, trans),
            run.error.message
          )
        : trans.__(
            'The reproduction of run %1 did not succeed (%2).',
            name,
            jobStatusLabel(run.status, trans)
          ),
      {
        autoClose: false,
        actions: [
          {
            label: trans.__('Open job run'),
            caption: trans.__('Open the job run that reproduces it'),
            callback: () => options.openJobRun(run.id)
          }
        ]
      }
    );
  };
  state.ended.connect(tell);
  return new DisposableDelegate(() => state.ended.disconnect(tell));
}
