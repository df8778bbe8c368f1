import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IMLXClient, IMLXSidebar } from '../tokens';
import {
  DEFAULT_REFRESH_INTERVAL,
  ServerStatusState
} from './state/server-status';
import { ServerStatusPanel } from './widgets/server-status-panel';

/**
 * Rank of the server status section.
 */
const SECTION_RANK = 1000;

/**
 * Adds the "Server status" section to the MLX sidebar.
 */
export const statusPlugin: JupyterFrontEndPlugin<void> = {
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
    const state = new ServerStatusState({ client });
    const panel = new ServerStatusPanel(state, translator ?? nullTranslator);
    sidebar.addSection(panel, { rank: SECTION_RANK });

    if (settingRegistry) {
      settingRegistry
        .load(statusPlugin.id)
        .then(settings => {
          const apply = (): void => {
            const seconds = settings.composite['refreshInterval'];
            state.refreshInterval =
              typeof seconds === 'number' ? seconds : DEFAULT_REFRESH_INTERVAL;
          };
          apply();
          settings.changed.connect(apply, panel);
        })
        .catch(reason => {
          console.error('jupyter-mlx: cannot load the status settings', reason);
        });
    }
    void state.start();
  }
};
