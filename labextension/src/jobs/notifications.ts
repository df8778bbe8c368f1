import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import type { IJobRun } from '../api/types';
import type { JobRunsState } from './state/runs';
import { baseName } from './status';

/**
 * Milliseconds a success notification stays; failures stay until closed.
 */
const SUCCESS_AUTO_CLOSE_MS = 10_000;

/**
 * How the end of a run is told: its notification type and message.
 */
export function finishedNotice(
  run: IJobRun,
  trans: TranslationBundle
): { type: 'success' | 'error' | 'warning'; message: string } {
  const name = baseName(run.notebook);
  switch (run.status) {
    case 'succeeded':
      return {
        type: 'success',
        message: trans.__('Job run of %1 succeeded.', name)
      };
    case 'failed':
      return {
        type: 'error',
        message: run.error
          ? trans.__('Job run of %1 failed: %2', name, run.error.message)
          : trans.__('Job run of %1 failed.', name)
      };
    case 'timed_out':
      return {
        type: 'error',
        message: trans.__('Job run of %1 timed out.', name)
      };
    case 'stopped':
      return {
        type: 'warning',
        message: trans.__('Job run of %1 was stopped.', name)
      };
    default:
      return {
        type: 'warning',
        message: trans.__(
          'Job run of %1 was interrupted (the server stopped while it ran).',
          name
        )
      };
  }
}

/**
 * Tell the user, with a notification that opens the run's view, when a run
 * submitted from this page ends.
 *
 * @param runs - The state watching the submitted runs.
 * @param options - How to open a run, whether to tell (a setting) and the
 * translation bundle.
 * @returns What stops the notifications.
 */
export function notifyFinishedRuns(
  runs: JobRunsState,
  options: {
    openRun: (runId: string) => void;
    enabled?: () => boolean;
    trans: TranslationBundle;
  }
): IDisposable {
  const { trans } = options;
  const notify = (_: JobRunsState, run: IJobRun): void => {
    if (options.enabled && !options.enabled()) {
      return;
    }
    const { type, message } = finishedNotice(run, trans);
    Notification.emit(message, type, {
      autoClose: type === 'success' ? SUCCESS_AUTO_CLOSE_MS : false,
      actions: [
        {
          label: trans.__('Open'),
          caption: trans.__('Open the job run'),
          callback: () => options.openRun(run.id)
        }
      ]
    });
  };
  runs.finished.connect(notify);
  let disposed = false;
  return {
    get isDisposed() {
      return disposed;
    },
    dispose() {
      if (!disposed) {
        disposed = true;
        runs.finished.disconnect(notify);
      }
    }
  };
}
