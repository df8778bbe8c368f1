import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { mlxIcon } from '../shared/icons';
import type { IMLXClient } from '../tokens';
import type { PromotionTarget } from './state/promotion';

/**
 * Ids of the models commands.
 */
export namespace CommandIDs {
  /**
   * Promote a run's model: a new registered version, an alias moved to it,
   * behind gates.
   */
  export const promoteModel = 'mlx:promote-model';

  /**
   * Move an alias of a registered model to one of its versions, behind
   * gates.
   */
  export const moveModelAlias = 'mlx:move-model-alias';

  /**
   * Move an alias back to the version it held before (after asking).
   */
  export const rollbackModelAlias = 'mlx:rollback-model-alias';

  /**
   * Remove an alias from a registered model (after asking).
   */
  export const removeModelAlias = 'mlx:remove-model-alias';

  /**
   * Open the view of a registered model in the main area.
   */
  export const openModel = 'mlx:open-model';

  /**
   * Copy a model URI (`models:/wine@champion`) to the clipboard.
   */
  export const copyModelUri = 'mlx:copy-model-uri';
}

/**
 * Arguments of the models commands.
 */
export namespace CommandArguments {
  /**
   * Arguments of `mlx:promote-model`.
   */
  export interface IPromoteModel {
    /**
     * The run holding the model; without it, the run row the context menu
     * was opened on.
     */
    run_id?: string;
    /**
     * The model chosen first; default: the run's first.
     */
    artifact_path?: string;
  }

  /**
   * Arguments of `mlx:move-model-alias`.
   */
  export interface IMoveModelAlias {
    /**
     * The registered model.
     */
    name: string;
    /**
     * The version chosen first.
     */
    version?: string;
    /**
     * The alias; default: `champion`.
     */
    alias?: string;
  }

  /**
   * Arguments of `mlx:rollback-model-alias` and `mlx:remove-model-alias`.
   */
  export interface IModelAlias {
    /**
     * The registered model.
     */
    name: string;
    /**
     * The alias.
     */
    alias: string;
  }

  /**
   * Arguments of `mlx:open-model`.
   */
  export interface IOpenModel {
    /**
     * The registered model.
     */
    name: string;
  }

  /**
   * Arguments of `mlx:copy-model-uri`.
   */
  export interface ICopyModelUri {
    /**
     * The URI, e.g. `models:/wine@champion`.
     */
    uri: string;
  }
}

/**
 * What the models commands act on.
 */
export interface IModelsCommandsOptions {
  /**
   * The REST API client.
   */
  client: IMLXClient;
  /**
   * Show the promote dialog for a run's model or a version.
   */
  promote(target: PromotionTarget): Promise<unknown>;
  /**
   * Open (or reveal) the view of a registered model.
   */
  openModel(name: string): Promise<unknown>;
  /**
   * The run of the row the context menu was opened on, or `null`.
   */
  runAtContextMenu(): string | null;
  /**
   * Show the registered models as they are now.
   */
  refresh(): void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Register the commands that promote models, move, roll back and remove
 * aliases, open a model and copy a model URI.
 */
export function registerModelsCommands(
  app: JupyterFrontEnd,
  options: IModelsCommandsOptions
): void {
  const { client, trans } = options;
  const nameArgs = {
    name: { type: 'string', description: trans.__('The registered model') }
  };
  const aliasArgs = {
    type: 'object',
    properties: {
      ...nameArgs,
      alias: { type: 'string', description: trans.__('The alias') }
    },
    required: ['name', 'alias']
  };
  const runOf = (args: ReadonlyPartialJSONObject): string | null =>
    stringIn(args, 'run_id') ?? options.runAtContextMenu();

  app.commands.addCommand(CommandIDs.promoteModel, {
    label: trans.__('Promote Model…'),
    caption: trans.__(
      "Register a run's model as a new version and move an alias to it, behind gates"
    ),
    icon: mlxIcon,
    isEnabled: args => runOf(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          run_id: {
            type: 'string',
            description: trans.__(
              'The MLflow run; without it, the run the context menu was opened on'
            )
          },
          artifact_path: {
            type: 'string',
            description: trans.__("The model's name at logging or its folder")
          }
        }
      }
    },
    execute: args => {
      const runId = runOf(args);
      if (runId === null) {
        throw new Error(trans.__('mlx:promote-model needs a run_id.'));
      }
      const artifactPath = stringIn(args, 'artifact_path') ?? undefined;
      return options.promote({ kind: 'run', runId, artifactPath });
    }
  });

  app.commands.addCommand(CommandIDs.moveModelAlias, {
    label: args =>
      stringIn(args, 'version')
        ? trans.__('Promote Version %1…', stringIn(args, 'version'))
        : trans.__('Promote a Version…'),
    caption: trans.__('Move an alias to a version, behind gates'),
    icon: mlxIcon,
    isEnabled: args => stringIn(args, 'name') !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          ...nameArgs,
          version: { type: 'string', description: trans.__('The version') },
          alias: {
            type: 'string',
            description: trans.__('The alias; default: champion')
          }
        },
        required: ['name']
      }
    },
    execute: args =>
      options.promote({
        kind: 'version',
        name: required(args, 'name', CommandIDs.moveModelAlias),
        version: stringIn(args, 'version') ?? undefined,
        alias: stringIn(args, 'alias') ?? undefined
      })
  });

  app.commands.addCommand(CommandIDs.rollbackModelAlias, {
    label: args =>
      stringIn(args, 'alias')
        ? trans.__('Roll Back @%1…', stringIn(args, 'alias'))
        : trans.__('Roll Back Alias…'),
    caption: trans.__('Move an alias back to the version it held before'),
    icon: mlxIcon,
    isEnabled: args => hasAlias(args),
    describedBy: { args: aliasArgs },
    execute: async args => {
      const name = required(args, 'name', CommandIDs.rollbackModelAlias);
      const alias = required(args, 'alias', CommandIDs.rollbackModelAlias);
      const confirmed = await confirm(
        trans.__('Roll Back @%1', alias),
        trans.__(
          'Move @%1 of %2 back to the version it held before? The move is recorded in its history.',
          alias,
          name
        ),
        trans.__('Roll Back'),
        trans
      );
      if (!confirmed) {
        return;
      }
      await settle(
        trans.__('Cannot roll back @%1 of %2', alias, name),
        async () => {
          const move = await client.rollbackModelAlias(name, alias, {});
          Notification.success(
            trans.__(
              'Rolled back: %1 version %2 is @%3 again (was %4)',
              name,
              move.to_version ?? '–',
              alias,
              move.from_version ?? '–'
            ),
            { autoClose: 5000 }
          );
        },
        trans
      );
      options.refresh();
    }
  });

  app.commands.addCommand(CommandIDs.removeModelAlias, {
    label: args =>
      stringIn(args, 'alias')
        ? trans.__('Remove @%1…', stringIn(args, 'alias'))
        : trans.__('Remove Alias…'),
    caption: trans.__('Remove an alias from a registered model'),
    icon: mlxIcon,
    isEnabled: args => hasAlias(args),
    describedBy: { args: aliasArgs },
    execute: async args => {
      const name = required(args, 'name', CommandIDs.removeModelAlias);
      const alias = required(args, 'alias', CommandIDs.removeModelAlias);
      const confirmed = await confirm(
        trans.__('Remove @%1', alias),
        trans.__(
          'Remove @%1 from %2? Clients loading models:/%2@%1 will fail until it is set again.',
          alias,
          name
        ),
        trans.__('Remove'),
        trans
      );
      if (!confirmed) {
        return;
      }
      await settle(
        trans.__('Cannot remove @%1 of %2', alias, name),
        async () => {
          await client.deleteModelAlias(name, alias);
          Notification.success(trans.__('Removed @%1 from %2', alias, name), {
            autoClose: 5000
          });
        },
        trans
      );
      options.refresh();
    }
  });

  app.commands.addCommand(CommandIDs.openModel, {
    label: args =>
      stringIn(args, 'name')
        ? trans.__('Open Model %1', stringIn(args, 'name'))
        : trans.__('Open Model'),
    caption: trans.__(
      'Show a registered model: its versions, their metrics, aliases and history'
    ),
    icon: mlxIcon,
    isEnabled: args => stringIn(args, 'name') !== null,
    describedBy: {
      args: { type: 'object', properties: nameArgs, required: ['name'] }
    },
    execute: args =>
      options.openModel(required(args, 'name', CommandIDs.openModel))
  });

  app.commands.addCommand(CommandIDs.copyModelUri, {
    label: trans.__('Copy Model URI'),
    caption: trans.__('Copy the model URI to load it with mlflow'),
    icon: mlxIcon,
    isEnabled: args => stringIn(args, 'uri') !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          uri: {
            type: 'string',
            description: trans.__('The URI, e.g. models:/wine@champion')
          }
        },
        required: ['uri']
      }
    },
    execute: args => {
      const uri = required(args, 'uri', CommandIDs.copyModelUri);
      Clipboard.copyToSystem(uri);
      Notification.info(trans.__('Copied %1', uri), { autoClose: 3000 });
    }
  });
}

/**
 * A non-empty string argument, or `null`.
 */
function stringIn(args: ReadonlyPartialJSONObject, key: string): string | null {
  const value = args[key];
  return typeof value === 'string' && value ? value : null;
}

/**
 * A string argument a command needs.
 *
 * @throws {Error} when it is missing.
 */
function required(
  args: ReadonlyPartialJSONObject,
  key: string,
  command: string
): string {
  const value = stringIn(args, key);
  if (value === null) {
    throw new Error(`${command} needs a ${key}.`);
  }
  return value;
}

/**
 * Whether the arguments name a model and an alias.
 */
function hasAlias(args: ReadonlyPartialJSONObject): boolean {
  return stringIn(args, 'name') !== null && stringIn(args, 'alias') !== null;
}

/**
 * Ask before an alias moves.
 */
async function confirm(
  title: string,
  body: string,
  label: string,
  trans: TranslationBundle
): Promise<boolean> {
  const answer = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label })
    ]
  });
  return answer.button.accept;
}

/**
 * Run `act`; a failure shows as an error notification with the server's
 * message.
 */
async function settle(
  failure: string,
  act: () => Promise<void>,
  trans: TranslationBundle
): Promise<void> {
  try {
    await act();
  } catch (reason) {
    const message = reason instanceof Error ? reason.message : String(reason);
    Notification.error(trans.__('%1: %2', failure, message), {
      autoClose: false
    });
  }
}
