import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { AccordionPanel, type Widget } from '@lumino/widgets';

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

/**
 * A function executing commands whose failure the caller cannot act on:
 * the failure is logged, with what failed.
 *
 * @param commands - The application's command registry.
 */
export function commandExecutor(
  commands: CommandRegistry
): (command: string, args: ReadonlyPartialJSONObject, failure: string) => void {
  return (command, args, failure) => {
    commands
      .execute(command, args)
      .catch(reason => console.error(`jupyter-mlx: ${failure}`, reason));
  };
}

/**
 * Open the MLX sidebar and expand one of its sections.
 *
 * @param commands - The application's command registry.
 * @param section - The section, or `null` while it is not shown.
 */
export function revealSection(
  commands: CommandRegistry,
  section: Widget | null
): void {
  commandExecutor(commands)(
    CommandIDs.openSidebar,
    {},
    'cannot open the sidebar'
  );
  const accordion = section?.parent;
  if (section && accordion instanceof AccordionPanel) {
    const index = accordion.widgets.indexOf(section);
    if (index !== -1) {
      accordion.expand(index);
    }
  }
}
