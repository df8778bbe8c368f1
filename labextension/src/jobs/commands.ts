import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { mlxIcon } from '../shared/icons';

/**
 * Ids of the jobs commands.
 */
export namespace CommandIDs {
  /**
   * Ask for a notebook's parameters and run options, and run it as a job
   * (the notebook toolbar's "Run job", the file browser's context menu, the
   * palette).
   */
  export const runNotebook = 'mlx:jobs-run-notebook';

  /**
   * Open a job run's view in the main area.
   */
  export const openJobRun = 'mlx:open-job-run';

  /**
   * Open a job run's output notebook, read-only, in the main area.
   */
  export const openJobOutput = 'mlx:open-job-output';
}

/**
 * Arguments of the jobs commands.
 */
export namespace CommandArguments {
  /**
   * Arguments of `mlx:jobs-run-notebook`.
   */
  export interface IRunNotebook {
    /**
     * The notebook's path relative to the server root; default: the
     * notebook selected in the file browser with `from_file_browser`, else
     * the current notebook.
     */
    path?: string;
    /**
     * Run the notebook selected in the file browser (its context menu).
     */
    from_file_browser?: boolean;
  }

  /**
   * Arguments of `mlx:open-job-run`.
   */
  export interface IOpenJobRun {
    /**
     * The job run id.
     */
    job_run_id: string;
  }

  /**
   * Arguments of `mlx:open-job-output`.
   */
  export interface IOpenJobOutput {
    /**
     * The job run id.
     */
    job_run_id: string;
    /**
     * Index of the cell of the output notebook to scroll to.
     */
    cell_index?: number;
  }
}

/**
 * What the jobs commands act on.
 */
export interface IJobsCommandsOptions {
  /**
   * Server path of the current notebook, or `null`.
   */
  currentNotebook(): string | null;
  /**
   * Server path of the notebook selected in the file browser, or `null`.
   */
  selectedNotebook(): string | null;
  /**
   * Save the notebook if it is open with unsaved changes, ask for its
   * parameters and run it.
   */
  runNotebook(path: string): Promise<void>;
  /**
   * Open (or reveal) a job run's view.
   */
  openRun(runId: string): Promise<void>;
  /**
   * Open (or reveal) a job run's output, scrolled to a cell.
   */
  openOutput(runId: string, cellIndex: number | null): Promise<void>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The notebook a `mlx:jobs-run-notebook` call is about, or `null`.
 */
export function notebookOf(
  args: ReadonlyPartialJSONObject,
  options: Pick<IJobsCommandsOptions, 'currentNotebook' | 'selectedNotebook'>
): string | null {
  const path = args['path'];
  if (typeof path === 'string' && path) {
    return path.endsWith('.ipynb') ? path : null;
  }
  return args['from_file_browser'] === true
    ? options.selectedNotebook()
    : options.currentNotebook();
}

/**
 * Register the commands that run notebooks as jobs and open job runs.
 */
export function registerJobsCommands(
  app: JupyterFrontEnd,
  options: IJobsCommandsOptions
): void {
  const { trans } = options;
  const runId = (args: ReadonlyPartialJSONObject): string | null =>
    typeof args['job_run_id'] === 'string' && args['job_run_id']
      ? args['job_run_id']
      : null;

  app.commands.addCommand(CommandIDs.runNotebook, {
    label: trans.__('Run with Parameters…'),
    caption: trans.__(
      'Run the notebook as a job, with parameters, in a kernel of its own'
    ),
    icon: mlxIcon,
    isEnabled: args => notebookOf(args, options) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              'The notebook path relative to the server root; default: the current notebook'
            )
          },
          from_file_browser: {
            type: 'boolean',
            description: trans.__(
              'Run the notebook selected in the file browser'
            )
          }
        }
      }
    },
    execute: args => {
      const path = notebookOf(args, options);
      if (path === null) {
        throw new Error(
          trans.__('mlx:jobs-run-notebook needs a notebook (.ipynb) path.')
        );
      }
      return options.runNotebook(path);
    }
  });

  app.commands.addCommand(CommandIDs.openJobRun, {
    label: trans.__('Open Job Run'),
    caption: trans.__('Show a job run: status, parameters, attempts and log'),
    icon: mlxIcon,
    isEnabled: args => runId(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          job_run_id: {
            type: 'string',
            description: trans.__('The job run id')
          }
        },
        required: ['job_run_id']
      }
    },
    execute: args => {
      const id = runId(args);
      if (id === null) {
        throw new Error(trans.__('mlx:open-job-run needs a job_run_id.'));
      }
      return options.openRun(id);
    }
  });

  app.commands.addCommand(CommandIDs.openJobOutput, {
    label: trans.__('Open Job Output'),
    caption: trans.__('Show the output notebook of a job run, read-only'),
    icon: mlxIcon,
    isEnabled: args => runId(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          job_run_id: {
            type: 'string',
            description: trans.__('The job run id')
          },
          cell_index: {
            type: 'integer',
            minimum: 0,
            description: trans.__(
              'Index of the cell of the output notebook to scroll to'
            )
          }
        },
        required: ['job_run_id']
      }
    },
    execute: args => {
      const id = runId(args);
      if (id === null) {
        throw new Error(trans.__('mlx:open-job-output needs a job_run_id.'));
      }
      const cell = args['cell_index'];
      return options.openOutput(
        id,
        typeof cell === 'number' && Number.isInteger(cell) && cell >= 0
          ? cell
          : null
      );
    }
  });
}
