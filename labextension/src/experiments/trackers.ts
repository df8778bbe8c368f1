import type { ILayoutRestorer } from '@jupyterlab/application';
import { type MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';

import { CommandIDs } from './commands';
import type { ArtifactViewer } from './widgets/artifact-viewer';
import type { RunComparisonView } from './widgets/run-comparison-view';
import type { RunView } from './widgets/run-view';

/**
 * The trackers of the experiments views of the main area.
 */
export interface IExperimentsTrackers {
  /**
   * The open run views.
   */
  runs: WidgetTracker<MainAreaWidget<RunView>>;
  /**
   * The open comparisons.
   */
  comparisons: WidgetTracker<MainAreaWidget<RunComparisonView>>;
  /**
   * The open artifact viewers.
   */
  artifacts: WidgetTracker<MainAreaWidget<ArtifactViewer>>;
}

/**
 * Create the trackers; they exist before the views' code is loaded, so that
 * the layout restorer can restore the views.
 */
export function createTrackers(): IExperimentsTrackers {
  return {
    runs: new WidgetTracker({ namespace: 'jupyter-mlx-run' }),
    comparisons: new WidgetTracker({ namespace: 'jupyter-mlx-comparison' }),
    artifacts: new WidgetTracker({ namespace: 'jupyter-mlx-artifact' })
  };
}

/**
 * Restore the run views and comparisons open when the layout was saved.
 */
export function restoreViews(
  restorer: ILayoutRestorer,
  trackers: IExperimentsTrackers
): void {
  void restorer.restore(trackers.runs, {
    command: CommandIDs.openRun,
    args: widget => ({ run_id: widget.content.state.runId }),
    name: widget => widget.content.state.runId
  });
  void restorer.restore(trackers.comparisons, {
    command: CommandIDs.compareRuns,
    args: widget => ({ run_ids: [...widget.content.state.runIds] }),
    name: widget => widget.content.state.runIds.join(',')
  });
}
