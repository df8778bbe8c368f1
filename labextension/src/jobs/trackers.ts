import type { ILayoutRestorer } from '@jupyterlab/application';
import { type MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';

import { CommandIDs } from './commands';
import type { JobDefinitionView } from './widgets/job-definition-view';
import type { JobRunView } from './widgets/job-run-view';
import type { JobOutputViewer } from './widgets/output-viewer';
import type { SweepView } from './widgets/sweep-view';

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
  /**
   * The open job definition views.
   */
  definitions: WidgetTracker<MainAreaWidget<JobDefinitionView>>;
  /**
   * The open sweep views.
   */
  sweeps: WidgetTracker<MainAreaWidget<SweepView>>;
}

/**
 * Create the trackers; they exist before the views' code is loaded, so that
 * the layout restorer can restore the views.
 */
export function createTrackers(): IJobsTrackers {
  return {
    runs: new WidgetTracker({ namespace: 'jupyter-mlx-job-run' }),
    outputs: new WidgetTracker({ namespace: 'jupyter-mlx-job-output' }),
    definitions: new WidgetTracker({
      namespace: 'jupyter-mlx-job-definition'
    }),
    sweeps: new WidgetTracker({ namespace: 'jupyter-mlx-sweep' })
  };
}

/**
 * Restore the job run, definition and sweep views and output notebooks open
 * when the layout was saved.
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
  void restorer.restore(trackers.definitions, {
    command: CommandIDs.openJobDefinition,
    args: widget => ({ job_id: widget.content.state.jobId }),
    name: widget => widget.content.state.jobId
  });
  void restorer.restore(trackers.sweeps, {
    command: CommandIDs.openSweep,
    args: widget => ({ sweep_id: widget.content.state.sweepId }),
    name: widget => widget.content.state.sweepId
  });
}
