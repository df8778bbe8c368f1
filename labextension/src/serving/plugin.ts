import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  IThemeManager,
  type MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { ChartTheme } from '../shared/charts/theme';
import { followSettings } from '../shared/settings';
import { addToMainArea, revealTracked } from '../shared/widgets/main-area';
import { IMLXClient, IMLXSidebar } from '../tokens';
// The commands are registered at activation, for the Models section and the
// run views.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { CommandIDs, registerServingCommands } from './commands';
import type { EndpointsState } from './state/endpoints';
import type { EndpointView } from './widgets/endpoint-view';

/**
 * Id of the serving plugin, also the id of its settings schema.
 */
const PLUGIN_ID = 'jupyter-mlx:serving';

/**
 * Rank of the Endpoints section: after the Models section (1300), whose
 * versions and aliases it serves.
 */
const SECTION_RANK = 1400;

/**
 * The server feature the Endpoints section needs.
 */
const ENDPOINTS_FEATURE = 'endpoints';

/**
 * The settings of the serving plugin (`schema/serving.json`).
 */
interface IServingSettings {
  /**
   * Seconds between two refreshes of the endpoints listed.
   */
  refreshInterval: number;
  /**
   * Seconds between two refreshes of an endpoint view.
   */
  viewRefreshInterval: number;
}

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IServingSettings = {
  refreshInterval: 10,
  viewRefreshInterval: 2
};

/**
 * Seconds between two refreshes of the endpoints listed while one starts or
 * serves.
 */
const ACTIVE_INTERVAL = 2;

/**
 * Adds the "Endpoints" section to the MLX sidebar (each endpoint with its
 * state, model, versions and actions), the endpoint view of the main area
 * (traffic, latency and drift charts, latest requests, traffic split, "Try
 * it"), and the Serve dialog opened by `mlx:serve-model`.
 */
export const servingPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Serves registered models at endpoints; shows their traffic, latency, drift and requests, splits their traffic.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [ISettingRegistry, ITranslator, IThemeManager, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    client: IMLXClient,
    sidebar: IMLXSidebar,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    themeManager: IThemeManager | null,
    restorer: ILayoutRestorer | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    let settings = DEFAULT_SETTINGS;
    let section: EndpointsState | null = null;
    const theme = new ChartTheme(themeManager);
    const views = new WidgetTracker<MainAreaWidget<EndpointView>>({
      namespace: 'jupyter-mlx-endpoint'
    });
    if (restorer) {
      void restorer.restore(views, {
        command: CommandIDs.openEndpoint,
        args: widget => ({ name: widget.content.name }),
        name: widget => widget.content.name
      });
    }

    registerServingCommands(app, {
      client,
      trans,
      serve: async (modelUri, name) => {
        const { showServeDialog } = await import('./widgets/serve-dialog');
        return showServeDialog({ client, trans, modelUri, name });
      },
      openEndpoint: async name => {
        if (revealTracked(app.shell, views, w => w.content.name === name)) {
          return;
        }
        const { EndpointView } = await import('./widgets/endpoint-view');
        const content = new EndpointView({
          client,
          name,
          commands: app.commands,
          trans,
          theme,
          refreshInterval: settings.viewRefreshInterval
        });
        await addToMainArea(
          app.shell,
          views,
          content,
          `jp-mlx-endpoint-${name}`
        );
      },
      changed: (name, endpoint) => {
        void section?.refresh();
        views.forEach(view => {
          if (view.content.name !== name) {
            return;
          }
          if (endpoint === null) {
            view.dispose();
          } else {
            void view.content.state.refresh();
          }
        });
      }
    });

    if (settingRegistry) {
      followSettings(settingRegistry, PLUGIN_ID, readSettings, read => {
        settings = read;
        if (section) {
          section.refreshInterval = settings.refreshInterval;
        }
        views.forEach(view => {
          view.content.state.refreshInterval = settings.viewRefreshInterval;
        });
      });
    }

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(ENDPOINTS_FEATURE)) {
        return;
      }
      const [{ EndpointsPanel }, { EndpointsState }] = await Promise.all([
        import('./widgets/endpoints-panel'),
        import('./state/endpoints')
      ]);
      const state = new EndpointsState({
        client,
        interval: settings.refreshInterval,
        activeInterval: ACTIVE_INTERVAL
      });
      section = state;
      const panel = new EndpointsPanel({
        state,
        commands: app.commands,
        trans
      });
      sidebar.addSection(panel, { rank: SECTION_RANK });
      await state.start();
    };
    showSection().catch(reason => {
      // The handshake reports an unreachable or missing server extension.
      console.warn('jupyter-mlx: endpoints unavailable', reason);
    });
  }
};

/**
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(composite: ReadonlyPartialJSONObject): IServingSettings {
  const read = (key: keyof IServingSettings): number => {
    const value = composite[key];
    return typeof value === 'number' ? value : DEFAULT_SETTINGS[key];
  };
  return {
    refreshInterval: read('refreshInterval'),
    viewRefreshInterval: read('viewRefreshInterval')
  };
}
