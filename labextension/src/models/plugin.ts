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
import { DEFAULT_IDLE_INTERVAL } from '../shared/state/polled';
import { RUN_ROW_SELECTOR, runAtContextMenu } from '../experiments/commands';
import { IMLXClient, IMLXSidebar } from '../tokens';
import type { IPromotion } from '../api/types';
// The commands are registered at activation, for the run views and menus.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { CommandIDs, registerModelsCommands } from './commands';
import type { ModelsState } from './state/models';
import type { PromotionTarget } from './state/promotion';
import type { ModelView } from './widgets/model-view';

/**
 * Id of the models plugin, also the id of its settings schema.
 */
const PLUGIN_ID = 'jupyter-mlx:models';

/**
 * Rank of the Models section: after the experiments and the jobs (a model is
 * promoted from the runs they make).
 */
const SECTION_RANK = 1300;

/**
 * The server feature the Models section needs.
 */
const MODELS_FEATURE = 'models';

/**
 * Rank of "Promote model…" in a run row's context menu (after "Open run").
 */
const PROMOTE_MENU_RANK = 20;

/**
 * The settings of the models plugin (`schema/models.json`).
 */
interface IModelsSettings {
  /**
   * Seconds between two refreshes of the registered models.
   */
  refreshInterval: number;
}

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IModelsSettings = {
  refreshInterval: DEFAULT_IDLE_INTERVAL
};

/**
 * Adds the "Models" section to the MLX sidebar (the registered models with
 * their versions, aliases and history), the model view of the main area,
 * the promote dialog, and the commands promoting models and moving, rolling
 * back and removing aliases.
 */
export const modelsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    "Lists the registered models; promotes runs' models behind gates, moves and rolls back aliases.",
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
    let section: ModelsState | null = null;
    const theme = new ChartTheme(themeManager);
    const views = new WidgetTracker<MainAreaWidget<ModelView>>({
      namespace: 'jupyter-mlx-model'
    });
    if (restorer) {
      void restorer.restore(views, {
        command: CommandIDs.openModel,
        args: widget => ({ name: widget.content.name }),
        name: widget => widget.content.name
      });
    }

    // A promotion changes the models listed and the view of its model.
    const refresh = (name?: string): void => {
      void section?.refresh();
      views.forEach(view => {
        if (name === undefined || view.content.name === name) {
          void view.content.state.refresh();
        }
      });
    };
    const onEnded = (promotion: IPromotion): void => refresh(promotion.name);

    registerModelsCommands(app, {
      client,
      trans,
      promote: async (target: PromotionTarget) => {
        const { showPromoteDialog } = await import('./widgets/promote-dialog');
        return showPromoteDialog({ client, target, trans }, onEnded);
      },
      openModel: async name => {
        if (revealTracked(app.shell, views, w => w.content.name === name)) {
          return;
        }
        const { ModelView } = await import('./widgets/model-view');
        const content = new ModelView({
          client,
          name,
          commands: app.commands,
          trans,
          theme,
          refreshInterval: settings.refreshInterval
        });
        await addToMainArea(app.shell, views, content, `jp-mlx-model-${name}`);
      },
      runAtContextMenu: () => runAtContextMenu(app),
      refresh: () => refresh()
    });
    app.contextMenu.addItem({
      command: CommandIDs.promoteModel,
      selector: RUN_ROW_SELECTOR,
      rank: PROMOTE_MENU_RANK
    });

    if (settingRegistry) {
      followSettings(settingRegistry, PLUGIN_ID, readSettings, read => {
        settings = read;
        if (section) {
          section.refreshInterval = settings.refreshInterval;
        }
      });
    }

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(MODELS_FEATURE)) {
        return;
      }
      const [{ ModelsPanel }, { ModelsState }] = await Promise.all([
        import('./widgets/models-panel'),
        import('./state/models')
      ]);
      const state = new ModelsState({
        client,
        interval: settings.refreshInterval
      });
      section = state;
      const panel = new ModelsPanel({ state, commands: app.commands, trans });
      sidebar.addSection(panel, { rank: SECTION_RANK });
      await state.start();
    };
    showSection().catch(reason => {
      // The handshake reports an unreachable or missing server extension.
      console.warn('jupyter-mlx: models unavailable', reason);
    });
  }
};

/**
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(composite: ReadonlyPartialJSONObject): IModelsSettings {
  const interval = composite['refreshInterval'];
  return {
    refreshInterval:
      typeof interval === 'number' ? interval : DEFAULT_SETTINGS.refreshInterval
  };
}
