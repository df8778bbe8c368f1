import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { MLXClient } from './api/client';
import { CommandIDs, registerSidebarCommands } from './commands';
import { checkServer, reportHandshake } from './handshake';
import { ServerStatusPanel } from './panels/status';
import { MLXSidebar, SIDEBAR_ID } from './sidebar';
import { DEFAULT_REFRESH_INTERVAL, ServerStatusModel } from './state/status';
import { IMLXClient, IMLXSidebar } from './tokens';
import { FRONTEND_VERSION } from './version';

/**
 * Rank of the MLX sidebar among the left-area panels.
 */
const SIDEBAR_RANK = 700;

/**
 * Rank of the server status section: below the feature sections.
 */
const STATUS_SECTION_RANK = 1000;

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

export default [corePlugin, sidebarPlugin, statusPlugin];
