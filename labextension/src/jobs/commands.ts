import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  ReadonlyJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';

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

  /**
   * Ask for a notebook's parameters, run options and schedule, and create a
   * job definition running it on the schedule (the notebook toolbar's
   * "Schedule", the file browser's context menu, the palette).
   */
  export const scheduleNotebook = 'mlx:schedule-job';

  /**
   * Open a job definition's view in the main area.
   */
  export const openJobDefinition = 'mlx:open-job-definition';

  /**
   * Open a sweep's view in the main area.
   */
  export const openSweep = 'mlx:open-sweep';
}

/**
 * Arguments of the jobs commands.
 */
export namespace CommandArguments {
  /**
   * Arguments of `mlx:jobs-run-notebook` and `mlx:schedule-job`.
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

  /**
   * Arguments of `mlx:open-job-definition`.
   */
  export interface IOpenJobDefinition {
    /**
     * The job definition id.
     */
    job_id: string;
  }

  /**
   * Arguments of `mlx:open-sweep`.
   */
  export interface IOpenSweep {
    /**
     * The sweep id.
     */
    sweep_id: string;
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
   * Save the notebook if it is open with unsaved changes, ask for its
   * parameters and schedule and create the job definition.
   */
  scheduleNotebook(path: string): Promise<void>;
  /**
   * Open (or reveal) a job run's view.
   */
  openRun(runId: string): Promise<void>;
  /**
   * Open (or reveal) a job definition's view.
   */
  openDefinition(jobId: string): Promise<void>;
  /**
   * Open (or reveal) a sweep's view.
   */
  openSweep(sweepId: string): Promise<void>;
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
 * The notebook a `mlx:jobs-run-notebook` or `mlx:schedule-job` call is
 * about, or `null`.
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
 * Register the commands that run and schedule notebooks as jobs and open job
 * runs, definitions and sweeps.
 */
export function registerJobsCommands(
  app: JupyterFrontEnd,
  options: IJobsCommandsOptions
): void {
  const { trans } = options;
  const notebookArgs = {
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
        description: trans.__('Take the notebook selected in the file browser')
      }
    }
  };
  const addNotebookCommand = (
    id: string,
    label: string,
    caption: string,
    act: (path: string) => Promise<void>
  ): void => {
    app.commands.addCommand(id, {
      label,
      caption,
      icon: mlxIcon,
      isEnabled: args => notebookOf(args, options) !== null,
      describedBy: { args: notebookArgs },
      execute: args => {
        const path = notebookOf(args, options);
        if (path === null) {
          throw new Error(trans.__('%1 needs a notebook (.ipynb) path.', id));
        }
        return act(path);
      }
    });
  };
  const addOpenCommand = (
    id: string,
    key: string,
    label: string,
    caption: string,
    description: string,
    open: (id: string, args: ReadonlyPartialJSONObject) => Promise<void>,
    more: ReadonlyJSONObject = {}
  ): void => {
    const value = (args: ReadonlyPartialJSONObject): string | null =>
      typeof args[key] === 'string' && args[key] ? args[key] : null;
    app.commands.addCommand(id, {
      label,
      caption,
      icon: mlxIcon,
      isEnabled: args => value(args) !== null,
      describedBy: {
        args: {
          type: 'object',
          properties: {
            [key]: { type: 'string', description },
            ...more
          },
          required: [key]
        }
      },
      execute: args => {
        const given = value(args);
        if (given === null) {
          throw new Error(trans.__('%1 needs a %2.', id, key));
        }
        return open(given, args);
      }
    });
  };

  addNotebookCommand(
    CommandIDs.runNotebook,
    trans.__('Run with Parameters…'),
    trans.__(
      'Run the notebook as a job, with parameters, in a kernel of its own'
    ),
    options.runNotebook
  );
  addNotebookCommand(
    CommandIDs.scheduleNotebook,
    trans.__('Schedule…'),
    trans.__(
      'Run the notebook as a job on a schedule, with parameters (or a sweep)'
    ),
    options.scheduleNotebook
  );
  addOpenCommand(
    CommandIDs.openJobRun,
    'job_run_id',
    trans.__('Open Job Run'),
    trans.__('Show a job run: status, parameters, attempts and log'),
    trans.__('The job run id'),
    runId => options.openRun(runId)
  );
  addOpenCommand(
    CommandIDs.openJobOutput,
    'job_run_id',
    trans.__('Open Job Output'),
    trans.__('Show the output notebook of a job run, read-only'),
    trans.__('The job run id'),
    (runId, args) => {
      const cell = args['cell_index'];
      return options.openOutput(
        runId,
        typeof cell === 'number' && Number.isInteger(cell) && cell >= 0
          ? cell
          : null
      );
    },
    {
      cell_index: {
        type: 'integer',
        minimum: 0,
        description: trans.__(
          'Index of the cell of the output notebook to scroll to'
        )
      }
    }
  );
  addOpenCommand(
    CommandIDs.openJobDefinition,
    'job_id',
    trans.__('Open Schedule'),
    trans.__('Show a job definition: its schedule, settings and runs'),
    trans.__('The job definition id'),
    jobId => options.openDefinition(jobId)
  );
  addOpenCommand(
    CommandIDs.openSweep,
    'sweep_id',
    trans.__('Open Sweep'),
    trans.__('Show a sweep: its progress, best trial and trials'),
    trans.__('The sweep id'),
    sweepId => options.openSweep(sweepId)
  );
}
