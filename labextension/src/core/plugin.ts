import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

// The client is provided at activation: it cannot load later.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { MLXClient } from '../api/client';
import { IMLXClient, IMLXSidebar } from '../tokens';
import { CommandIDs, registerSidebarCommands } from './commands';
import { checkServer, reportHandshake } from './handshake';
import { MLXSidebar, SIDEBAR_ID } from './sidebar';
import { FRONTEND_VERSION } from './version';

/**
 * Rank of the MLX sidebar among the left-area panels.
 */
const SIDEBAR_RANK = 700;

/**
 * Provides the REST API client and checks the server extension at start-up.
 */
export const corePlugin: JupyterFrontEndPlugin<IMLXClient> = {
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
export const sidebarPlugin: JupyterFrontEndPlugin<IMLXSidebar> = {
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
