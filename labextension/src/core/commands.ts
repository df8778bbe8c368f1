import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';

import { mlxIcon } from '../shared/icons';

/**
 * Ids of the commands of the MLX sidebar.
 */
export namespace CommandIDs {
  /**
   * Reveal the MLX sidebar in the left area.
   */
  export const openSidebar = 'mlx:open-sidebar';
}

/**
 * Arguments of the commands of the MLX sidebar.
 */
export namespace CommandArguments {
  /**
   * `mlx:open-sidebar` takes no argument.
   */
  export type IOpenSidebar = Record<string, never>;
}

/**
 * What the sidebar commands act on.
 */
export interface ISidebarCommandsOptions {
  /**
   * Id of the sidebar widget in the application shell.
   */
  sidebarId: string;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Register the commands of the MLX sidebar.
 */
export function registerSidebarCommands(
  app: JupyterFrontEnd,
  options: ISidebarCommandsOptions
): void {
  const { sidebarId, trans } = options;
  app.commands.addCommand(CommandIDs.openSidebar, {
    label: trans.__('Open MLX Sidebar'),
    caption: trans.__('Show the MLX sidebar in the left area'),
    icon: mlxIcon,
    describedBy: {
      args: { type: 'object', properties: {}, additionalProperties: false }
    },
    execute: () => {
      app.shell.activateById(sidebarId);
    }
  });
}
