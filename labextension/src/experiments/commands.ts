import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { mlxIcon } from '../shared/icons';

/**
 * Most runs one comparison takes (the server's limit).
 */
export const MAX_COMPARED_RUNS = 50;

/**
 * The rows of the Experiments section's runs list, which carry their run's
 * id (a context menu on them offers the run's commands).
 */
export const RUN_ROW_SELECTOR = '.jp-mlx-RunsList-run[data-run-id]';

/**
 * The run of the runs list's row the context menu was opened on, or `null`.
 */
export function runAtContextMenu(app: JupyterFrontEnd): string | null {
  const row = app.contextMenuHitTest(node => node.matches(RUN_ROW_SELECTOR));
  return row?.dataset.runId ?? null;
}

/**
 * Ids of the experiments commands.
 */
export namespace CommandIDs {
  /**
   * Open a run's view in the main area (kernel-side run widgets link to it
   * through JupyterLab's command linker).
   */
  export const openRun = 'mlx:open-run';

  /**
   * Open the comparison of runs in the main area.
   */
  export const compareRuns = 'mlx:compare-runs';

  /**
   * Open an artifact of a run in a viewer in the main area.
   */
  export const openArtifact = 'mlx:open-artifact';
}

/**
 * Arguments of the experiments commands.
 */
export namespace CommandArguments {
  /**
   * Arguments of `mlx:open-run`.
   */
  export interface IOpenRun {
    /**
     * The MLflow run id; without it, the run of the row the context menu
     * was opened on.
     */
    run_id?: string;
  }

  /**
   * Arguments of `mlx:compare-runs`.
   */
  export interface ICompareRuns {
    /**
     * The MLflow run ids, 1 to 50.
     */
    run_ids: string[];
  }

  /**
   * Arguments of `mlx:open-artifact`.
   */
  export interface IOpenArtifact {
    /**
     * The MLflow run id.
     */
    run_id: string;
    /**
     * The artifact's path relative to the run's artifact root.
     */
    path: string;
    /**
     * `'html'` renders a notebook artifact.
     */
    format?: 'html';
  }
}

/**
 * What the experiments commands open.
 */
export interface IExperimentsCommandsOptions {
  /**
   * Open (or reveal) a run's view.
   */
  openRun(runId: string): Promise<void>;
  /**
   * Open (or reveal) the comparison of runs.
   */
  compareRuns(runIds: string[]): Promise<void>;
  /**
   * Open (or reveal) an artifact viewer.
   */
  openArtifact(runId: string, path: string, asNotebook: boolean): Promise<void>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Register the commands that open runs, comparisons and artifacts.
 */
export function registerExperimentsCommands(
  app: JupyterFrontEnd,
  options: IExperimentsCommandsOptions
): void {
  const { trans } = options;
  const runId = (args: ReadonlyPartialJSONObject): string | null =>
    typeof args['run_id'] === 'string' && args['run_id']
      ? args['run_id']
      : null;
  const openedRun = (args: ReadonlyPartialJSONObject): string | null =>
    runId(args) ?? runAtContextMenu(app);
  const runIds = (args: ReadonlyPartialJSONObject): string[] | null => {
    const ids = args['run_ids'];
    return Array.isArray(ids) &&
      ids.length >= 1 &&
      ids.length <= MAX_COMPARED_RUNS &&
      ids.every(id => typeof id === 'string' && id)
      ? (ids as string[])
      : null;
  };

  app.commands.addCommand(CommandIDs.openRun, {
    label: trans.__('Open Run'),
    caption: trans.__(
      'Show an MLflow run: params, metrics, tags and artifacts'
    ),
    icon: mlxIcon,
    isEnabled: args => openedRun(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          run_id: {
            type: 'string',
            description: trans.__(
              'The MLflow run id; without it, the run the context menu was opened on'
            )
          }
        }
      }
    },
    execute: args => {
      const id = openedRun(args);
      if (id === null) {
        throw new Error(trans.__('mlx:open-run needs a run_id.'));
      }
      return options.openRun(id);
    }
  });

  app.commands.addCommand(CommandIDs.compareRuns, {
    label: trans.__('Compare Runs'),
    caption: trans.__('Compare the metrics and params of MLflow runs'),
    icon: mlxIcon,
    isEnabled: args => runIds(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          run_ids: {
            type: 'array',
            items: { type: 'string' },
            minItems: 1,
            maxItems: MAX_COMPARED_RUNS,
            description: trans.__('The MLflow run ids')
          }
        },
        required: ['run_ids']
      }
    },
    execute: args => {
      const ids = runIds(args);
      if (ids === null) {
        throw new Error(
          trans.__('mlx:compare-runs needs 1 to %1 run_ids.', MAX_COMPARED_RUNS)
        );
      }
      return options.compareRuns(ids);
    }
  });

  app.commands.addCommand(CommandIDs.openArtifact, {
    label: trans.__('Open Run Artifact'),
    caption: trans.__('Show an artifact of an MLflow run'),
    icon: mlxIcon,
    isEnabled: args => runId(args) !== null && typeof args['path'] === 'string',
    describedBy: {
      args: {
        type: 'object',
        properties: {
          run_id: {
            type: 'string',
            description: trans.__('The MLflow run id')
          },
          path: {
            type: 'string',
            description: trans.__('Path of the artifact in the run')
          },
          format: {
            type: 'string',
            enum: ['html'],
            description: trans.__('html renders a notebook artifact')
          }
        },
        required: ['run_id', 'path']
      }
    },
    execute: args => {
      const id = runId(args);
      const path = args['path'];
      if (id === null || typeof path !== 'string' || !path) {
        throw new Error(
          trans.__('mlx:open-artifact needs a run_id and a path.')
        );
      }
      return options.openArtifact(id, path, args['format'] === 'html');
    }
  });
}
