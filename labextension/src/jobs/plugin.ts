import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IToolbarWidgetRegistry,
  Notification
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { AccordionPanel } from '@lumino/widgets';

import { CommandIDs as CoreCommandIDs } from '../core/commands';
import { CommandIDs as ExperimentsCommandIDs } from '../experiments/commands';
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
import { notifyFinishedRuns } from './notifications';
import {
  DEFAULT_ACTIVE_INTERVAL,
  DEFAULT_PAGE_SIZE,
  JobRunsState
} from './state/runs';
// The trackers must exist at activation for the layout restorer.
import { createTrackers, restoreViews } from './trackers';
import type { JobsViews } from './views';
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
 * Name of the notebook toolbar item (`jupyter.lab.toolbars` in the schema).
 */
const TOOLBAR_ITEM = 'mlx-run-job';

/**
 * The file browser items the context menu entry shows on.
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
}

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IJobsSettings = {
  pageSize: DEFAULT_PAGE_SIZE,
  refreshInterval: DEFAULT_IDLE_INTERVAL,
  activeRefreshInterval: DEFAULT_ACTIVE_INTERVAL,
  notifyFinished: true
};

/**
 * Runs notebooks as jobs with parameters ("Run with Parameters…" on the
 * notebook toolbar, the file browser's context menu and the palette), adds
 * the "Jobs" section to the MLX sidebar and the job run and output views of
 * the main area, and notifies the end of the runs submitted from this page.
 */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Runs notebooks as jobs with parameters, lists job runs and shows their status, log and output.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [
    INotebookTracker,
    IDefaultFileBrowser,
    IToolbarWidgetRegistry,
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    ILayoutRestorer
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
    restorer: ILayoutRestorer | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    const trackers = createTrackers();
    if (restorer) {
      restoreViews(restorer, trackers);
    }
    let settings = DEFAULT_SETTINGS;
    let panel: JobsPanel | null = null;

    // The runs are watched (for notifications) even before the section is
    // shown; the list is fetched only while it is.
    const runs = new JobRunsState({
      client,
      pageSize: settings.pageSize,
      refreshInterval: settings.refreshInterval,
      activeRefreshInterval: settings.activeRefreshInterval
    });
    runs.active = false;

    const openRun = (runId: string): void => {
      app.commands
        .execute(CommandIDs.openJobRun, { job_run_id: runId })
        .catch(reason =>
          console.error('jupyter-mlx: cannot open the job run', reason)
        );
    };
    const revealSection = (): void => {
      app.commands
        .execute(CoreCommandIDs.openSidebar)
        .catch(reason =>
          console.error('jupyter-mlx: cannot open the sidebar', reason)
        );
      const accordion = panel?.parent;
      if (panel && accordion instanceof AccordionPanel) {
        const index = accordion.widgets.indexOf(panel);
        if (index !== -1) {
          accordion.expand(index);
        }
      }
    };

    // The actions and the views load when first needed.
    let views: Promise<JobsViews> | null = null;
    let actions: Promise<JobActions> | null = null;
    const getActions = (): Promise<JobActions> => {
      actions ??= import('./actions').then(
        ({ JobActions }) =>
          new JobActions({
            client,
            runs,
            trans,
            onCreated: run => {
              revealSection();
              openRun(run.id);
            },
            onChanged: run => void views?.then(opened => opened.update(run)),
            onDeleted: runId => void views?.then(opened => opened.close(runId))
          })
      );
      return actions;
    };
    const getViews = (): Promise<JobsViews> => {
      views ??= import('./views').then(({ JobsViews }) => {
        const created = new JobsViews({
          app,
          client,
          trans,
          trackers,
          actions: {
            stop: async run => (await getActions()).stop(run),
            rerun: async run => (await getActions()).rerun(run),
            canOpenMLflowRun: () =>
              app.commands.hasCommand(ExperimentsCommandIDs.openRun),
            openMLflowRun: runId => {
              app.commands
                .execute(ExperimentsCommandIDs.openRun, { run_id: runId })
                .catch(reason =>
                  console.error('jupyter-mlx: cannot open the run', reason)
                );
            }
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

    const saveIfDirty = async (path: string): Promise<void> => {
      const open = notebooks?.find(widget => widget.context.path === path);
      if (open?.context.model.dirty) {
        await open.context.save();
      }
    };
    registerJobsCommands(app, {
      trans,
      currentNotebook: () => notebooks?.currentWidget?.context.path ?? null,
      selectedNotebook: () => {
        const item = fileBrowser?.selectedItems().next();
        return item && !item.done && item.value.path.endsWith('.ipynb')
          ? item.value.path
          : null;
      },
      runNotebook: async path => {
        try {
          // The run copies the saved file: unsaved edits would be lost.
          await saveIfDirty(path);
          const run = await (await getViews()).showRunDialog(path);
          if (run) {
            (await getActions()).submitted(run);
          }
        } catch (reason) {
          Notification.error(
            trans.__(
              'Cannot run %1: %2',
              path,
              reason instanceof Error ? reason.message : String(reason)
            ),
            { autoClose: false }
          );
        }
      },
      openRun: async runId => (await getViews()).openRun(runId),
      openOutput: async (runId, cellIndex) =>
        (await getViews()).openOutput(runId, cellIndex)
    });

    toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      TOOLBAR_ITEM,
      notebook =>
        new ToolbarButton({
          className: 'jp-mlx-JobsToolbarButton',
          icon: mlxIcon,
          label: trans.__('Run job'),
          tooltip: trans.__('Run this notebook as a job, with parameters'),
          onClick: () => {
            app.commands
              .execute(CommandIDs.runNotebook, { path: notebook.context.path })
              .catch(reason =>
                console.error('jupyter-mlx: cannot run the notebook', reason)
              );
          }
        })
    );
    app.contextMenu.addItem({
      command: CommandIDs.runNotebook,
      args: { from_file_browser: true },
      selector: NOTEBOOK_ITEM_SELECTOR,
      rank: 10
    });
    palette?.addItem({
      command: CommandIDs.runNotebook,
      category: trans.__('MLX')
    });

    const applySettings = (): void => {
      runs.pageSize = settings.pageSize;
      runs.refreshInterval = settings.refreshInterval;
      runs.activeRefreshInterval = settings.activeRefreshInterval;
      void views?.then(opened => {
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
    void runs.start();

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(JOBS_FEATURE)) {
        return;
      }
      const { JobsPanel } = await import('./widgets/jobs-panel');
      panel = new JobsPanel(
        runs,
        {
          openRun,
          stop: run => void getActions().then(loaded => loaded.stop(run)),
          rerun: run => void getActions().then(loaded => loaded.rerun(run)),
          delete: run => void getActions().then(loaded => loaded.delete(run))
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
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(composite: ReadonlyPartialJSONObject): IJobsSettings {
  const notify = composite['notifyFinished'];
  return {
    ...readListSettings(composite, DEFAULT_SETTINGS),
    notifyFinished:
      typeof notify === 'boolean' ? notify : DEFAULT_SETTINGS.notifyFinished
  };
}
