import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { DisposableDelegate, type IDisposable } from '@lumino/disposable';

import type {
  IJobDefinition,
  IJobRun,
  IJobRunBrief,
  JobRunStatus
} from '../api/types';
import type { JobDefinitionsState } from './state/definitions';
import type { JobRunsState } from './state/runs';
import { baseName, isActiveJobStatus } from './status';

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
 * How the ends of runs are told.
 */
export interface IRunNoticeOptions {
  /**
   * Open a run's view.
   */
  openRun: (runId: string) => void;
  /**
   * Whether to tell (a setting); always when absent.
   */
  enabled?: () => boolean;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Tell the end of a run, with an action opening its view, unless the
 * setting is off; a success closes itself, the rest stay until closed.
 */
function emitRunNotice(
  notice: { type: 'success' | 'error' | 'warning'; message: string },
  runId: string,
  options: IRunNoticeOptions
): void {
  if (options.enabled && !options.enabled()) {
    return;
  }
  const { trans } = options;
  Notification.emit(notice.message, notice.type, {
    autoClose: notice.type === 'success' ? SUCCESS_AUTO_CLOSE_MS : false,
    actions: [
      {
        label: trans.__('Open'),
        caption: trans.__('Open the job run'),
        callback: () => options.openRun(runId)
      }
    ]
  });
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
  options: IRunNoticeOptions
): IDisposable {
  const notify = (_: JobRunsState, run: IJobRun): void => {
    emitRunNotice(finishedNotice(run, options.trans), run.id, options);
  };
  runs.finished.connect(notify);
  return new DisposableDelegate(() => runs.finished.disconnect(notify));
}

/**
 * Statuses of a run that failed (a failure notified, a success after it a
 * recovery).
 */
const FAILED_STATUSES: ReadonlySet<JobRunStatus> = new Set([
  'failed',
  'timed_out'
]);

/**
 * The end of a definition's run worth telling: a failure, or a success after
 * a failure (a recovery).
 */
export interface IScheduleOutcome {
  /**
   * The definition.
   */
  definition: IJobDefinition;
  /**
   * Its run that ended.
   */
  run: IJobRunBrief;
  /**
   * `error` for a failure, `success` for a recovery.
   */
  type: 'error' | 'success';
  /**
   * What the notification says.
   */
  message: string;
}

/**
 * Which ends of definitions' runs to tell, each once: the last run of a
 * definition with `notify` that failed, or succeeded after a failed one.
 * Runs that had ended when it first saw the definitions are not told.
 */
export class ScheduleOutcomes {
  /**
   * @param trans - The jupyter-mlx translation bundle.
   */
  constructor(private readonly _trans: TranslationBundle) {}

  /**
   * The outcomes to tell in this answer of `GET /jobs`; the first answer
   * only records what has ended already.
   */
  check(definitions: ReadonlyArray<IJobDefinition>): IScheduleOutcome[] {
    const primed = this._primed;
    this._primed = true;
    const outcomes: IScheduleOutcome[] = [];
    for (const definition of definitions) {
      const run = definition.last_run;
      if (!run || isActiveJobStatus(run.status) || this._seen.has(run.id)) {
        continue;
      }
      this._seen.add(run.id);
      const outcome = primed ? this._outcome(definition, run) : null;
      if (outcome) {
        outcomes.push(outcome);
      }
    }
    return outcomes;
  }

  /**
   * What a definition's ended run is worth telling, if anything.
   */
  private _outcome(
    definition: IJobDefinition,
    run: IJobRunBrief
  ): IScheduleOutcome | null {
    const trans = this._trans;
    if (!definition.notify) {
      return null;
    }
    if (FAILED_STATUSES.has(run.status)) {
      return {
        definition,
        run,
        type: 'error',
        message:
          run.status === 'timed_out'
            ? trans.__('A run of %1 timed out.', definition.name)
            : trans.__('A run of %1 failed.', definition.name)
      };
    }
    if (
      run.status === 'succeeded' &&
      definition.previous_status !== null &&
      FAILED_STATUSES.has(definition.previous_status)
    ) {
      return {
        definition,
        run,
        type: 'success',
        message: trans.__(
          '%1 recovered: its run succeeded after a failure.',
          definition.name
        )
      };
    }
    return null;
  }

  private _primed = false;
  private _seen = new Set<string>();
}

/**
 * Tell the user, with a notification that opens the run, when a run of a
 * definition with `notify` fails, or succeeds after a failure; once per run,
 * and not for the runs that had ended when the page loaded.
 *
 * @param definitions - The polled definitions.
 * @param options - How to open a run, whether to tell (a setting) and the
 * translation bundle.
 * @returns What stops the notifications.
 */
export function notifyScheduleOutcomes(
  definitions: JobDefinitionsState,
  options: IRunNoticeOptions
): IDisposable {
  const outcomes = new ScheduleOutcomes(options.trans);
  const check = (state: JobDefinitionsState): void => {
    if (!state.loaded) {
      return;
    }
    for (const outcome of outcomes.check(state.definitions)) {
      emitRunNotice(outcome, outcome.run.id, options);
    }
  };
  definitions.changed.connect(check);
  return new DisposableDelegate(() => definitions.changed.disconnect(check));
}
