import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/**
 * The settings of a plugin that shows a paged, polled list of runs.
 */
export interface IListSettings {
  /**
   * Runs per page of the section.
   */
  pageSize: number;
  /**
   * Seconds between two refreshes while no shown run is active.
   */
  refreshInterval: number;
  /**
   * Seconds between two refreshes while a shown run is active.
   */
  activeRefreshInterval: number;
}

/**
 * The list settings of a composite settings object, each missing or
 * malformed value replaced by its default.
 */
export function readListSettings(
  composite: ReadonlyPartialJSONObject,
  defaults: IListSettings
): IListSettings {
  const number = (value: unknown, fallback: number): number =>
    typeof value === 'number' ? value : fallback;
  return {
    pageSize: number(composite['pageSize'], defaults.pageSize),
    refreshInterval: number(
      composite['refreshInterval'],
      defaults.refreshInterval
    ),
    activeRefreshInterval: number(
      composite['activeRefreshInterval'],
      defaults.activeRefreshInterval
    )
  };
}

/**
 * Read a plugin's settings now and whenever they change; a failure to load
 * them is logged and the defaults stay.
 *
 * @param settingRegistry - The setting registry.
 * @param pluginId - The plugin whose settings are read.
 * @param read - Turns the composite settings into the plugin's settings.
 * @param onChange - Called with the settings, first and after each change.
 */
export function followSettings<T>(
  settingRegistry: ISettingRegistry,
  pluginId: string,
  read: (composite: ReadonlyPartialJSONObject) => T,
  onChange: (settings: T) => void
): void {
  settingRegistry
    .load(pluginId)
    .then(settings => {
      const update = (): void => onChange(read(settings.composite));
      update();
      settings.changed.connect(update);
    })
    .catch(reason => {
      console.error(
        `jupyter-mlx: cannot load the settings of ${pluginId}`,
        reason
      );
    });
}
