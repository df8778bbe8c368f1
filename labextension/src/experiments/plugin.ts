import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IThemeManager } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { ChartTheme } from '../shared/charts/theme';
import {
  DEFAULT_ACTIVE_INTERVAL,
  DEFAULT_IDLE_INTERVAL
} from '../shared/state/polled';
import {
  followSettings,
  type IListSettings,
  readListSettings
} from '../shared/settings';
import { IMLXClient, IMLXSidebar } from '../tokens';
import {
  CommandIDs,
  RUN_ROW_SELECTOR,
  registerExperimentsCommands
} from './commands';
import { followActiveNotebook } from './follow';
import type { ExperimentsState } from './state/experiments';
// The trackers must exist at activation for the layout restorer.
import { createTrackers, restoreViews } from './trackers';
import type { ExperimentsViews } from './views';

/**
 * Id of the experiments plugin, also the id of its settings schema.
 */
const PLUGIN_ID = 'jupyter-mlx:experiments';

/**
 * Rank of the experiments section: after the server status.
 */
const SECTION_RANK = 1100;

/**
 * The server feature the experiments section needs.
 */
const EXPERIMENTS_FEATURE = 'experiments';

/**
 * Rank of "Open Run" in a run row's context menu (first).
 */
const OPEN_RUN_MENU_RANK = 10;

/**
 * The settings of the experiments plugin (`schema/experiments.json`).
 */
type IExperimentsSettings = IListSettings;

/**
 * Default number of runs per page of the Experiments section.
 */
const DEFAULT_PAGE_SIZE = 25;

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IExperimentsSettings = {
  pageSize: DEFAULT_PAGE_SIZE,
  refreshInterval: DEFAULT_IDLE_INTERVAL,
  activeRefreshInterval: DEFAULT_ACTIVE_INTERVAL
};

/**
 * Adds the "Experiments" section to the MLX sidebar (the runs of the active
 * notebook) and the run, comparison and artifact views of the main area.
 */
export const experimentsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Lists the MLflow runs of the active notebook and shows runs, comparisons and artifacts.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [
    INotebookTracker,
    ILabShell,
    ISettingRegistry,
    ITranslator,
    IThemeManager,
    ILayoutRestorer
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IMLXClient,
    sidebar: IMLXSidebar,
    notebooks: INotebookTracker | null,
    labShell: ILabShell | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    themeManager: IThemeManager | null,
    restorer: ILayoutRestorer | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    const theme = new ChartTheme(themeManager);
    const trackers = createTrackers();
    if (restorer) {
      restoreViews(restorer, trackers);
    }
    let settings = DEFAULT_SETTINGS;
    let section: ExperimentsState | null = null;

    // The views (and the charting library) load when first opened.
    let views: Promise<ExperimentsViews> | null = null;
    const getViews = (): Promise<ExperimentsViews> => {
      views ??= import('./views').then(({ ExperimentsViews }) => {
        const created = new ExperimentsViews({
          app,
          client,
          theme,
          trans,
          trackers
        });
        created.refreshInterval = settings.refreshInterval;
        created.activeRefreshInterval = settings.activeRefreshInterval;
        return created;
      });
      return views;
    };
    registerExperimentsCommands(app, {
      trans,
      openRun: async runId => (await getViews()).openRun(runId),
      compareRuns: async runIds => (await getViews()).compareRuns(runIds),
      openArtifact: async (runId, path, asNotebook) =>
        (await getViews()).openArtifact(runId, path, asNotebook)
    });
    app.contextMenu.addItem({
      command: CommandIDs.openRun,
      selector: RUN_ROW_SELECTOR,
      rank: OPEN_RUN_MENU_RANK
    });

    const applySettings = (): void => {
      if (section) {
        section.pageSize = settings.pageSize;
        section.refreshInterval = settings.refreshInterval;
        section.activeRefreshInterval = settings.activeRefreshInterval;
      }
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

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(EXPERIMENTS_FEATURE)) {
        return;
      }
      const shown = await addSection(app, client, sidebar, translator);
      section = shown;
      applySettings();
      followActiveNotebook({ notebooks, labShell }, path => {
        shown.notebook = path;
      });
      await shown.start();
    };
    showSection().catch(reason => {
      // The handshake reports an unreachable or missing server extension.
      console.warn('jupyter-mlx: experiments unavailable', reason);
    });
  }
};

/**
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(
  composite: ReadonlyPartialJSONObject
): IExperimentsSettings {
  return readListSettings(composite, DEFAULT_SETTINGS);
}

/**
 * Load the Experiments section's code and add the section to the sidebar; its
 * actions go through the experiments commands.
 *
 * @returns The section's state, not started yet.
 */
async function addSection(
  app: JupyterFrontEnd,
  client: IMLXClient,
  sidebar: IMLXSidebar,
  translator: ITranslator
): Promise<ExperimentsState> {
  const [{ ExperimentsPanel }, { ExperimentsState }] = await Promise.all([
    import('./widgets/experiments-panel'),
    import('./state/experiments')
  ]);
  const state = new ExperimentsState({ client });
  const panel = new ExperimentsPanel(
    state,
    {
      openRun: runId => {
        app.commands
          .execute(CommandIDs.openRun, { run_id: runId })
          .catch(reason =>
            console.error('jupyter-mlx: cannot open the run', reason)
          );
      },
      compareRuns: runIds => {
        app.commands
          .execute(CommandIDs.compareRuns, { run_ids: runIds })
          .catch(reason =>
            console.error('jupyter-mlx: cannot compare runs', reason)
          );
      }
    },
    translator
  );
  sidebar.addSection(panel, { rank: SECTION_RANK });
  return state;
}
