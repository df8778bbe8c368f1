import type { ILayoutRestorer } from '@jupyterlab/application';
import { type MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';

import { CommandIDs } from './commands';
import type { JobRunView } from './widgets/job-run-view';
import type { JobOutputViewer } from './widgets/output-viewer';

/**
 * The trackers of the jobs views of the main area.
 */
export interface IJobsTrackers {
  /**
   * The open job run views.
   */
  runs: WidgetTracker<MainAreaWidget<JobRunView>>;
  /**
   * The open output notebooks.
   */
  outputs: WidgetTracker<MainAreaWidget<JobOutputViewer>>;
}

/**
 * Create the trackers; they exist before the views' code is loaded, so that
 * the layout restorer can restore the views.
 */
export function createTrackers(): IJobsTrackers {
  return {
    runs: new WidgetTracker({ namespace: 'jupyter-mlx-job-run' }),
    outputs: new WidgetTracker({ namespace: 'jupyter-mlx-job-output' })
  };
}

/**
 * Restore the job run views and output notebooks open when the layout was
 * saved.
 */
export function restoreViews(
  restorer: ILayoutRestorer,
  trackers: IJobsTrackers
): void {
  void restorer.restore(trackers.runs, {
    command: CommandIDs.openJobRun,
    args: widget => ({ job_run_id: widget.content.state.runId }),
    name: widget => widget.content.state.runId
  });
  void restorer.restore(trackers.outputs, {
    command: CommandIDs.openJobOutput,
    args: widget => ({ job_run_id: widget.content.runId }),
    name: widget => widget.content.runId
  });
}
