import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { commandExecutor, revealSection } from '../core/commands';
import { DEFAULT_IDLE_INTERVAL } from '../shared/state/polled';
import { followSettings } from '../shared/settings';
import { IMLXClient, IMLXSidebar } from '../tokens';
import type { EnvironmentActions } from './actions';
// The commands are registered at activation, for the palette.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { CommandIDs, registerEnvironmentsCommands } from './commands';
import { notifyInstallEnds } from './notifications';
// The section's state exists at activation: the commands and the
// notifications reach it before the section shows.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { EnvironmentsState } from './state/environments';
import { DEFAULT_ACTIVE_INTERVAL } from './state/log';
import type { EnvironmentsPanel } from './widgets/environments-panel';

/**
 * Id of the environments plugin, also the id of its settings schema.
 */
const PLUGIN_ID = 'jupyter-mlx:environments';

/**
 * Rank of the Environments section: after the server status, before the
 * experiments (an environment comes before the runs made in it).
 */
const SECTION_RANK = 1050;

/**
 * The server feature the Environments section needs.
 */
const ENVIRONMENTS_FEATURE = 'environments';

/**
 * The settings of the environments plugin (`schema/environments.json`).
 */
interface IEnvironmentsSettings {
  /**
   * Seconds between two refreshes of the list.
   */
  refreshInterval: number;
  /**
   * Seconds between two reads of an install's progress and log.
   */
  activeRefreshInterval: number;
  /**
   * Whether the end of an install is notified.
   */
  notifyInstalls: boolean;
}

/**
 * The settings before (or without) the setting registry.
 */
const DEFAULT_SETTINGS: IEnvironmentsSettings = {
  refreshInterval: DEFAULT_IDLE_INTERVAL,
  activeRefreshInterval: DEFAULT_ACTIVE_INTERVAL,
  notifyInstalls: true
};

/**
 * Adds the "Environments" section to the MLX sidebar: the environments of
 * the workspace with their state, lock and install actions, install progress
 * and log; and the commands creating, locking, installing and removing
 * environments.
 */
export const environmentsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Lists the environments of the workspace; creates, locks, installs and removes them.',
  autoStart: true,
  requires: [IMLXClient, IMLXSidebar],
  optional: [ICommandPalette, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IMLXClient,
    sidebar: IMLXSidebar,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyter_mlx');
    let settings = DEFAULT_SETTINGS;
    let panel: EnvironmentsPanel | null = null;

    const state = new EnvironmentsState({
      client,
      refreshInterval: settings.refreshInterval,
      activeRefreshInterval: settings.activeRefreshInterval
    });
    state.active = false;

    const execute = commandExecutor(app.commands);
    const openPath = (path: string): void =>
      execute(
        'docmanager:open',
        { path, factory: 'Editor' },
        'cannot open the file'
      );
    const refreshKernels = (): void => {
      app.serviceManager.kernelspecs
        .refreshSpecs()
        .catch(reason =>
          console.warn('jupyter-mlx: cannot refresh the kernel specs', reason)
        );
    };
    const reveal = (): void => revealSection(app.commands, panel);

    // A new kernel shows in the launcher and the kernel picker at once.
    state.installEnded.connect((_, environment) => {
      if (environment.state === 'ready') {
        refreshKernels();
      }
    }, state);
    notifyInstallEnds(state, {
      trans,
      enabled: () => settings.notifyInstalls
    });

    // The actions (and their dialogs) load when first needed.
    let actions: Promise<EnvironmentActions> | null = null;
    const getActions = (): Promise<EnvironmentActions> => {
      actions ??= import('./actions').then(
        ({ EnvironmentActions }) =>
          new EnvironmentActions({
            client,
            state,
            trans,
            openPath,
            onRemoved: refreshKernels
          })
      );
      return actions;
    };

    registerEnvironmentsCommands(app, {
      trans,
      environments: async () =>
        state.loaded
          ? state.environments
          : (await client.listEnvironments()).environments,
      get: name => client.getEnvironment(name),
      create: async () => {
        const created = await (await getActions()).create();
        if (created !== null) {
          reveal();
        }
      },
      lock: async (environment, solver) =>
        (await getActions()).lock(environment, solver),
      install: async environment => {
        const installing = await (await getActions()).install(environment);
        if (installing !== null) {
          reveal();
        }
      },
      remove: async environment => (await getActions()).remove(environment),
      showLockDiff: async environment =>
        (await getActions()).showLockDiff(environment),
      refresh: () => state.refresh()
    });
    for (const command of [
      CommandIDs.createEnvironment,
      CommandIDs.lockEnvironment,
      CommandIDs.installEnvironment,
      CommandIDs.showLockDiff,
      CommandIDs.removeEnvironment,
      CommandIDs.refreshEnvironments
    ]) {
      palette?.addItem({ command, category: trans.__('MLX') });
    }

    if (settingRegistry) {
      followSettings(settingRegistry, PLUGIN_ID, readSettings, read => {
        settings = read;
        state.refreshInterval = settings.refreshInterval;
        state.activeRefreshInterval = settings.activeRefreshInterval;
      });
    }

    const showSection = async (): Promise<void> => {
      await app.restored;
      const config = await client.getConfig();
      if (!config.features.includes(ENVIRONMENTS_FEATURE)) {
        return;
      }
      const { EnvironmentsPanel } =
        await import('./widgets/environments-panel');
      const act =
        <T>(run: (loaded: EnvironmentActions, item: T) => unknown) =>
        (item: T): void =>
          void getActions().then(loaded => run(loaded, item));
      panel = new EnvironmentsPanel(
        state,
        {
          create: () => void getActions().then(loaded => loaded.create()),
          lock: act((loaded, environment) => loaded.lock(environment)),
          install: act((loaded, environment) => loaded.install(environment)),
          remove: act((loaded, environment) => loaded.remove(environment)),
          showLockDiff: act((loaded, environment) =>
            loaded.showLockDiff(environment)
          ),
          openPath
        },
        translator
      );
      sidebar.addSection(panel, { rank: SECTION_RANK });
      await state.start();
    };
    showSection().catch(reason => {
      // The handshake reports an unreachable or missing server extension.
      console.warn('jupyter-mlx: environments unavailable', reason);
    });
  }
};

/**
 * The settings of a composite settings object, each missing or malformed
 * value replaced by its default.
 */
function readSettings(
  composite: ReadonlyPartialJSONObject
): IEnvironmentsSettings {
  const number = (value: unknown, fallback: number): number =>
    typeof value === 'number' ? value : fallback;
  const notify = composite['notifyInstalls'];
  return {
    refreshInterval: number(
      composite['refreshInterval'],
      DEFAULT_SETTINGS.refreshInterval
    ),
    activeRefreshInterval: number(
      composite['activeRefreshInterval'],
      DEFAULT_SETTINGS.activeRefreshInterval
    ),
    notifyInstalls:
      typeof notify === 'boolean' ? notify : DEFAULT_SETTINGS.notifyInstalls
  };
}
