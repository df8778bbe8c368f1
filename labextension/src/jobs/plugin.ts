import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IThemeManager,
  IToolbarWidgetRegistry,
  Notification
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import type {
  ReadonlyPartialJSONObject,
  ReadonlyPartialJSONValue
} from '@lumino/coreutils';

import type { IJobDefinition, IJobRun, ISweep } from '../api/types';
import { commandExecutor, revealSection } from '../core/commands';
import { CommandIDs as ExperimentsCommandIDs } from '../experiments/commands';
import { ChartTheme } from '../shared/charts/theme';
import { mlxIcon } from '../shared/icons';
import { DEFAULT_IDLE_INTERVAL } from '../shared/state/polled';
import {
  followSettings,
  type IListSettings,
  readListSettings
} from '../shared/settings';
import { IMLXClient, IMLXSidebar } from '../tokens';
import type { JobActions } from './actions';
import { CommandIDs, registerJobsCommands } from './commands';
import { notifyFinishedRuns, notifyScheduleOutcomes } from './notifications';
import type { ScheduleActions } from './schedule-actions';
// The definitions are watched from the start, for their notifications.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { JobDefinitionsState } from './state/definitions';
import type { JobFormResult } from './state/form';
import {
  DEFAULT_ACTIVE_INTERVAL,
  DEFAULT_PAGE_SIZE,
  JobRunsState
} from './state/runs';
// The section's states exist at activation: settings and actions reach them
// before the section shows.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { SweepsState } from './state/sweeps';
// The trackers must exist at activation for the layout restorer.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { createTrackers, restoreViews } from './trackers';
import type { JobsViews } from './views';
import type { JobFormDialog } from './widgets/job-form-dialog';
import type { JobsPanel } from './widgets/jobs-panel';

/**
 * Id of the jobs plugin, also the id of its settings schema.
 */
const PLUGIN_ID = 'jupyter-mlx:jobs';

/**
 * Rank of the Jobs section: after the experiments.
 */
const SECTION_RANK = 1200;

/**
 * The server feature the Jobs section needs.
 */
const JOBS_FEATURE = 'jobs';

/**
 * Names of the notebook toolbar items (`jupyter.lab.toolbars` in the
 * schema).
 */
const RUN_TOOLBAR_ITEM = 'mlx-run-job';
const SCHEDULE_TOOLBAR_ITEM = 'mlx-schedule-job';

/**
 * The file browser items the context menu entries show on.
 */
const NOTEBOOK_ITEM_SELECTOR = '.jp-DirListing-item[data-file-type="notebook"]';

/**
 * The settings of the jobs plugin (`schema/jobs.json`).
 */
interface IJobsSettings extends IListSettings {
  /**
   * Whether the end of a run submitted from this page is notified.
   */
  notifyFinished: boolean;
  /**
   * Whether the failures and recoveries of scheduled runs are notified.
   */
  notifySchedules: boolean;
}

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IJobsSettings = {
  pageSize: DEFAULT_PAGE_SIZE,
  refreshInterval: DEFAULT_IDLE_INTERVAL,
  activeRefreshInterval: DEFAULT_ACTIVE_INTERVAL,
  notifyFinished: true,
  notifySchedules: true
};

/**
 * Runs notebooks as jobs with parameters ("Run with Parameters…") or on a
 * schedule ("Schedule…"), from the notebook toolbar, the file browser's
 * context menu and the palette; adds the "Jobs" section to the MLX sidebar
 * (schedules, sweeps, runs) and the job run, output, schedule and sweep
 * views of the main area; notifies the end of the runs submitted from this
 * page and the failures and recoveries of scheduled runs.
 */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Runs notebooks as jobs with parameters, on schedules and as sweeps; lists and shows job runs, schedules and sweeps.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [
    INotebookTracker,
    IDefaultFileBrowser,
    IToolbarWidgetRegistry,
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    ILayoutRestorer,
    IThemeManager
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IMLXClient,
    sidebar: IMLXSidebar,
    notebooks: INotebookTracker | null,
    fileBrowser: IDefaultFileBrowser | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    themeManager: IThemeManager | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    const trackers = createTrackers();
    if (restorer) {
      restoreViews(restorer, trackers);
    }
    let settings = DEFAULT_SETTINGS;
    let jobsServed = false;
    let panel: JobsPanel | null = null;

    // The runs and the definitions are watched (for notifications) even
    // before the section is shown; the lists are fetched only while it is.
    const intervals = {
      refreshInterval: settings.refreshInterval,
      activeRefreshInterval: settings.activeRefreshInterval
    };
    const runs = new JobRunsState({
      client,
      pageSize: settings.pageSize,
      ...intervals
    });
    const definitions = new JobDefinitionsState({ client, ...intervals });
    const sweeps = new SweepsState({ client, ...intervals });
    for (const state of [runs, definitions, sweeps]) {
      state.active = false;
    }

    const execute = commandExecutor(app.commands);
    const openRun = (runId: string): void =>
      execute(
        CommandIDs.openJobRun,
        { job_run_id: runId },
        'cannot open the job run'
      );
    const openDefinition = (jobId: string): void =>
      execute(
        CommandIDs.openJobDefinition,
        { job_id: jobId },
        'cannot open the schedule'
      );
    const openSweep = (sweepId: string): void =>
      execute(
        CommandIDs.openSweep,
        { sweep_id: sweepId },
        'cannot open the sweep'
      );
    const reveal = (): void => revealSection(app.commands, panel);

    // The actions and the views load when first needed.
    let views: Promise<JobsViews> | null = null;
    let actions: Promise<JobActions> | null = null;
    let scheduleActions: Promise<ScheduleActions> | null = null;
    const withViews = (act: (opened: JobsViews) => void): void =>
      void views?.then(act);
    const getActions = (): Promise<JobActions> => {
      actions ??= import('./actions').then(
        ({ JobActions }) =>
          new JobActions({
            client,
            runs,
            trans,
            onCreated: run => {
              reveal();
              openRun(run.id);
            },
            onChanged: run => withViews(opened => opened.update(run)),
            onDeleted: runId => withViews(opened => opened.close(runId))
          })
      );
      return actions;
    };
    const getScheduleActions = (): Promise<ScheduleActions> => {
      scheduleActions ??= import('./schedule-actions').then(
        ({ ScheduleActions }) =>
          new ScheduleActions({
            client,
            definitions,
            sweeps,
            trans,
            on: {
              run: run => {
                runs.upsert(run);
                runs.highlight(run.id);
                openRun(run.id);
              },
              sweep: sweep => openSweep(sweep.id),
              changed: definition =>
                withViews(opened => opened.updateDefinition(definition)),
              deleted: jobId =>
                withViews(opened => opened.closeDefinition(jobId)),
              sweepChanged: sweep =>
                withViews(opened => opened.updateSweep(sweep)),
              sweepDeleted: sweepId =>
                withViews(opened => opened.closeSweep(sweepId))
            }
          })
      );
      return scheduleActions;
    };
    const withActions =
      <T>(act: (loaded: JobActions, item: T) => unknown) =>
      (item: T): void =>
        void getActions().then(loaded => act(loaded, item));
    const withScheduleActions =
      <T>(act: (loaded: ScheduleActions, item: T) => unknown) =>
      (item: T): void =>
        void getScheduleActions().then(loaded => act(loaded, item));

    const saveIfDirty = async (path: string): Promise<void> => {
      const open = notebooks?.find(widget => widget.context.path === path);
      if (open?.context.model.dirty) {
        await open.context.save();
      }
    };
    /**
     * Show the job dialog of a notebook and what it created.
     */
    const showDialog = async (
      options: Omit<JobFormDialog.IOptions, 'client' | 'trans'>
    ): Promise<void> => {
      try {
        // A run or a definition copies the saved file: unsaved edits would
        // be lost.
        await saveIfDirty(options.path);
        const result = await (await getViews()).showDialog(options);
        await showCreated(result, options.definition !== undefined);
      } catch (reason) {
        Notification.error(dialogFailure(options, reason, trans), {
          autoClose: false
        });
      }
    };
    const showCreated = async (
      result: JobFormResult | null,
      edited: boolean
    ): Promise<void> => {
      switch (result?.kind) {
        case 'run':
          (await getActions()).submitted(result.run);
          break;
        case 'sweep':
          reveal();
          void sweeps.refresh();
          openSweep(result.sweep.id);
          break;
        case 'job':
          (await getScheduleActions()).saved(result.job, edited);
          reveal();
          if (!edited) {
            openDefinition(result.job.id);
          }
          break;
      }
    };

    const definitionActions = {
      trigger: withScheduleActions((loaded, definition: IJobDefinition) =>
        loaded.trigger(definition)
      ),
      pause: withScheduleActions((loaded, definition: IJobDefinition) =>
        loaded.pause(definition)
      ),
      resume: withScheduleActions((loaded, definition: IJobDefinition) =>
        loaded.resume(definition)
      ),
      updateFromNotebook: withScheduleActions(
        (loaded, definition: IJobDefinition) =>
          loaded.updateFromNotebook(definition)
      ),
      edit: (definition: IJobDefinition): void =>
        void showDialog({ path: definition.notebook, definition })
    };
    const getViews = (): Promise<JobsViews> => {
      views ??= import('./views').then(({ JobsViews }) => {
        const created = new JobsViews({
          app,
          client,
          theme: new ChartTheme(themeManager ?? null),
          trans,
          trackers,
          actions: {
            ...definitionActions,
            stop: async run => (await getActions()).stop(run),
            rerun: async run => (await getActions()).rerun(run),
            deleteRun: withActions((loaded, run: IJobRun) =>
              loaded.delete(run)
            ),
            deleteDefinition: withScheduleActions(
              (loaded, definition: IJobDefinition) => loaded.delete(definition)
            ),
            stopSweep: withScheduleActions((loaded, sweep: ISweep) =>
              loaded.stopSweep(sweep)
            ),
            deleteSweep: withScheduleActions((loaded, sweep: ISweep) =>
              loaded.deleteSweep(sweep)
            ),
            canOpenMLflowRun: () =>
              app.commands.hasCommand(ExperimentsCommandIDs.openRun),
            openMLflowRun: runId =>
              execute(
                ExperimentsCommandIDs.openRun,
                { run_id: runId },
                'cannot open the run'
              ),
            compareRuns: runIds =>
              execute(
                ExperimentsCommandIDs.compareRuns,
                { run_ids: runIds },
                'cannot compare the trials'
              )
          }
        });
        created.refreshInterval = settings.refreshInterval;
        created.activeRefreshInterval = settings.activeRefreshInterval;
        return created;
      });
      return views;
    };

    notifyFinishedRuns(runs, {
      trans,
      openRun,
      enabled: () => settings.notifyFinished
    });
    notifyScheduleOutcomes(definitions, {
      trans,
      openRun,
      enabled: () => settings.notifySchedules
    });

    registerJobsCommands(app, {
      trans,
      currentNotebook: () => notebooks?.currentWidget?.context.path ?? null,
      selectedNotebook: () => {
        const item = fileBrowser?.selectedItems().next();
        return item && !item.done && item.value.path.endsWith('.ipynb')
          ? item.value.path
          : null;
      },
      runNotebook: path => showDialog({ path }),
      scheduleNotebook: path => showDialog({ path, scheduling: true }),
      openRun: async runId => (await getViews()).openRun(runId),
      openOutput: async (runId, cellIndex) =>
        (await getViews()).openOutput(runId, cellIndex),
      openDefinition: async jobId => (await getViews()).openDefinition(jobId),
      openSweep: async sweepId => (await getViews()).openSweep(sweepId)
    });
    addNotebookEntries(app, { toolbarRegistry, palette, trans });

    const applySettings = (): void => {
      runs.pageSize = settings.pageSize;
      for (const state of [runs, definitions, sweeps]) {
        state.refreshInterval = settings.refreshInterval;
        state.activeRefreshInterval = settings.activeRefreshInterval;
      }
      definitions.watching = jobsServed && settings.notifySchedules;
      withViews(opened => {
        opened.refreshInterval = settings.refreshInterval;
        opened.activeRefreshInterval = settings.activeRefreshInterval;
      });
    };
    if (settingRegistry) {
      followSettings(settingRegistry, PLUGIN_ID, readSettings, read => {
        settings = read;
        applySettings();
      });
    }
    for (const state of [runs, definitions, sweeps]) {
      void state.start();
    }

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(JOBS_FEATURE)) {
        return;
      }
      jobsServed = true;
      applySettings();
      const { JobsPanel } = await import('./widgets/jobs-panel');
      panel = new JobsPanel(
        { definitions, sweeps, runs },
        {
          ...definitionActions,
          openRun,
          stop: withActions((loaded, run: IJobRun) => loaded.stop(run)),
          rerun: withActions((loaded, run: IJobRun) => loaded.rerun(run)),
          delete: withActions((loaded, run: IJobRun) => loaded.delete(run)),
          openDefinition,
          deleteDefinition: withScheduleActions(
            (loaded, definition: IJobDefinition) => loaded.delete(definition)
          ),
          openSweep
        },
        translator
      );
      sidebar.addSection(panel, { rank: SECTION_RANK });
    };
    showSection().catch(reason => {
      // The handshake reports an unreachable or missing server extension.
      console.warn('jupyter-mlx: jobs unavailable', reason);
    });
  }
};

/**
 * What a failure of the run or schedule dialog of a notebook says.
 */
function dialogFailure(
  options: Omit<JobFormDialog.IOptions, 'client' | 'trans'>,
  reason: unknown,
  trans: TranslationBundle
): string {
  const message = reason instanceof Error ? reason.message : String(reason);
  return options.scheduling || options.definition
    ? trans.__('Cannot schedule %1: %2', options.path, message)
    : trans.__('Cannot run %1: %2', options.path, message);
}

/**
 * Offer "Run with Parameters…" and "Schedule…" on the notebook toolbar, in
 * the file browser's context menu of notebooks and in the palette.
 */
function addNotebookEntries(
  app: JupyterFrontEnd,
  options: {
    toolbarRegistry: IToolbarWidgetRegistry | null;
    palette: ICommandPalette | null;
    trans: TranslationBundle;
  }
): void {
  const { trans } = options;
  const entries = [
    {
      command: CommandIDs.runNotebook,
      item: RUN_TOOLBAR_ITEM,
      label: trans.__('Run job'),
      tooltip: trans.__('Run this notebook as a job, with parameters'),
      rank: 10
    },
    {
      command: CommandIDs.scheduleNotebook,
      item: SCHEDULE_TOOLBAR_ITEM,
      label: trans.__('Schedule'),
      tooltip: trans.__('Run this notebook as a job on a schedule'),
      rank: 11
    }
  ];
  for (const entry of entries) {
    options.toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      entry.item,
      notebook =>
        new ToolbarButton({
          className: 'jp-mlx-JobsToolbarButton',
          icon: mlxIcon,
          label: entry.label,
          tooltip: entry.tooltip,
          onClick: () => {
            app.commands
              .execute(entry.command, { path: notebook.context.path })
              .catch(reason =>
                console.error('jupyter-mlx: cannot run the notebook', reason)
              );
          }
        })
    );
    app.contextMenu.addItem({
      command: entry.command,
      args: { from_file_browser: true },
      selector: NOTEBOOK_ITEM_SELECTOR,
      rank: entry.rank
    });
    options.palette?.addItem({
      command: entry.command,
      category: trans.__('MLX')
    });
  }
}

/**
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(composite: ReadonlyPartialJSONObject): IJobsSettings {
  const flag = (
    value: ReadonlyPartialJSONValue | undefined,
    fallback: boolean
  ) => (typeof value === 'boolean' ? value : fallback);
  return {
    ...readListSettings(composite, DEFAULT_SETTINGS),
    notifyFinished: flag(
      composite['notifyFinished'],
      DEFAULT_SETTINGS.notifyFinished
    ),
    notifySchedules: flag(
      composite['notifySchedules'],
      DEFAULT_SETTINGS.notifySchedules
    )
  };
}
