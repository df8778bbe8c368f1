import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IThemeManager } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { MLXClient } from './api/client';
import { ChartTheme } from './charts/theme';
import {
  CommandIDs,
  registerExperimentsCommands,
  registerSidebarCommands
} from './commands';
import type { ExperimentsViews } from './experiments';
import { followActiveNotebook } from './follow';
import { checkServer, reportHandshake } from './handshake';
import { ServerStatusPanel } from './panels/status';
import { MLXSidebar, SIDEBAR_ID } from './sidebar';
import type { ExperimentsModel } from './state/experiments';
import { DEFAULT_ACTIVE_INTERVAL, DEFAULT_IDLE_INTERVAL } from './state/polled';
import { DEFAULT_REFRESH_INTERVAL, ServerStatusModel } from './state/status';
import { IMLXClient, IMLXSidebar } from './tokens';
// The trackers must exist at activation for the layout restorer.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { createTrackers, restoreViews } from './trackers';
import { FRONTEND_VERSION } from './version';

/**
 * Default number of runs per page of the Experiments section.
 */
const DEFAULT_PAGE_SIZE = 25;

/**
 * Rank of the MLX sidebar among the left-area panels.
 */
const SIDEBAR_RANK = 700;

/**
 * Rank of the server status section.
 */
const STATUS_SECTION_RANK = 1000;

/**
 * Rank of the experiments section: after the server status.
 */
const EXPERIMENTS_SECTION_RANK = 1100;

/**
 * The server feature the experiments section needs.
 */
const EXPERIMENTS_FEATURE = 'experiments';

/**
 * Provides the REST API client and checks the server extension at start-up.
 */
const corePlugin: JupyterFrontEndPlugin<IMLXClient> = {
  id: 'jupyter-mlx:core',
  description:
    'Provides the jupyter-mlx REST API client and checks that the server extension matches.',
  autoStart: true,
  provides: IMLXClient,
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null
  ): IMLXClient => {
    const trans = (translator ?? nullTranslator).load('jupyter_mlx');
    const client = new MLXClient(app.serviceManager.serverSettings);
    app.restored
      .then(() => checkServer(client, FRONTEND_VERSION))
      .then(handshake => {
        if (handshake.kind === 'failed') {
          console.warn(
            'jupyter-mlx: server status unavailable',
            handshake.error
          );
        }
        return reportHandshake(handshake, trans);
      })
      .catch(reason => {
        console.error('jupyter-mlx: start-up check failed', reason);
      });
    return client;
  }
};

/**
 * Adds the MLX sidebar to the left area.
 */
const sidebarPlugin: JupyterFrontEndPlugin<IMLXSidebar> = {
  id: 'jupyter-mlx:sidebar',
  description:
    'Adds the MLX sidebar, to which jupyter-mlx features add their sections.',
  autoStart: true,
  provides: IMLXSidebar,
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): IMLXSidebar => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    const sidebar = new MLXSidebar(translator);
    app.shell.add(sidebar, 'left', { rank: SIDEBAR_RANK });
    restorer?.add(sidebar, SIDEBAR_ID);

    registerSidebarCommands(app, { sidebarId: SIDEBAR_ID, trans });
    palette?.addItem({
      command: CommandIDs.openSidebar,
      category: trans.__('MLX')
    });
    return sidebar;
  }
};

/**
 * Adds the "Server status" section to the MLX sidebar.
 */
const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlx:status',
  description:
    'Shows the version, workspace, tracking URI and store health of the jupyter-mlx server.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IMLXClient,
    sidebar: IMLXSidebar,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const model = new ServerStatusModel({ client });
    const panel = new ServerStatusPanel(model, translator ?? nullTranslator);
    sidebar.addSection(panel, { rank: STATUS_SECTION_RANK });

    if (settingRegistry) {
      settingRegistry
        .load(statusPlugin.id)
        .then(settings => {
          const apply = (): void => {
            const seconds = settings.composite['refreshInterval'];
            model.refreshInterval =
              typeof seconds === 'number' ? seconds : DEFAULT_REFRESH_INTERVAL;
          };
          apply();
          settings.changed.connect(apply, panel);
        })
        .catch(reason => {
          console.error('jupyter-mlx: cannot load the status settings', reason);
        });
    }
    void model.start();
  }
};

/**
 * Adds the "Experiments" section to the MLX sidebar (the runs of the active
 * notebook) and the run, comparison and artifact views of the main area.
 */
const experimentsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlx:experiments',
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
    const intervals = {
      refresh: DEFAULT_IDLE_INTERVAL,
      active: DEFAULT_ACTIVE_INTERVAL,
      pageSize: DEFAULT_PAGE_SIZE
    };

    // The views (and the charting library) load when first opened.
    let views: Promise<ExperimentsViews> | null = null;
    const getViews = (): Promise<ExperimentsViews> => {
      views ??= import('./experiments').then(({ ExperimentsViews }) => {
        const created = new ExperimentsViews({
          app,
          client,
          theme,
          trans,
          trackers
        });
        created.refreshInterval = intervals.refresh;
        created.activeRefreshInterval = intervals.active;
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

    let model: ExperimentsModel | null = null;
    const applySettings = (): void => {
      if (model) {
        model.pageSize = intervals.pageSize;
        model.refreshInterval = intervals.refresh;
        model.activeRefreshInterval = intervals.active;
      }
      void views?.then(opened => {
        opened.refreshInterval = intervals.refresh;
        opened.activeRefreshInterval = intervals.active;
      });
    };
    if (settingRegistry) {
      settingRegistry
        .load(experimentsPlugin.id)
        .then(settings => {
          const read = (): void => {
            const { pageSize, refreshInterval, activeRefreshInterval } =
              settings.composite;
            const number = (value: unknown, fallback: number): number =>
              typeof value === 'number' ? value : fallback;
            intervals.pageSize = number(pageSize, DEFAULT_PAGE_SIZE);
            intervals.refresh = number(refreshInterval, DEFAULT_IDLE_INTERVAL);
            intervals.active = number(
              activeRefreshInterval,
              DEFAULT_ACTIVE_INTERVAL
            );
            applySettings();
          };
          read();
          settings.changed.connect(read);
        })
        .catch(reason => {
          console.error(
            'jupyter-mlx: cannot load the experiments settings',
            reason
          );
        });
    }

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(EXPERIMENTS_FEATURE)) {
        return;
      }
      const [{ ExperimentsPanel }, { ExperimentsModel }] = await Promise.all([
        import('./panels/experiments'),
        import('./state/experiments')
      ]);
      model = new ExperimentsModel({ client });
      applySettings();
      const panel = new ExperimentsPanel(
        model,
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
      sidebar.addSection(panel, { rank: EXPERIMENTS_SECTION_RANK });
      const shown = model;
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

export default [corePlugin, sidebarPlugin, statusPlugin, experimentsPlugin];
