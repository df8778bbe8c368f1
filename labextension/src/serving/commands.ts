import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { IEndpoint } from '../api/types';
import { mlxIcon } from '../shared/icons';
import type { IMLXClient } from '../tokens';

/**
 * Ids of the serving commands.
 */
export namespace CommandIDs {
  /**
   * Ask for an endpoint's name and port, serve a model there, then open
   * the endpoint's view.
   */
  export const serveModel = 'mlx:serve-model';

  /**
   * Open the view of an endpoint in the main area.
   */
  export const openEndpoint = 'mlx:open-endpoint';

  /**
   * Start an endpoint's process again (a stopped or failed one too).
   */
  export const restartEndpoint = 'mlx:restart-endpoint';

  /**
   * Stop an endpoint's process, keeping the endpoint.
   */
  export const stopEndpoint = 'mlx:stop-endpoint';

  /**
   * Stop and remove an endpoint (after asking).
   */
  export const deleteEndpoint = 'mlx:delete-endpoint';
}

/**
 * Arguments of the serving commands.
 */
export namespace CommandArguments {
  /**
   * Arguments of `mlx:serve-model`.
   */
  export interface IServeModel {
    /**
     * The model proposed, e.g. `models:/churn@champion`.
     */
    model_uri: string;
    /**
     * The endpoint name proposed; default: the model's name.
     */
    name?: string;
  }

  /**
   * Arguments of `mlx:open-endpoint`, `mlx:restart-endpoint`,
   * `mlx:stop-endpoint` and `mlx:delete-endpoint`.
   */
  export interface IEndpoint {
    /**
     * The endpoint.
     */
    name: string;
  }
}

/**
 * What the serving commands act on.
 */
export interface IServingCommandsOptions {
  /**
   * The REST API client.
   */
  client: IMLXClient;
  /**
   * Show the Serve dialog; resolves with the endpoint created, or `null`.
   */
  serve(modelUri: string, name?: string): Promise<IEndpoint | null>;
  /**
   * Open (or reveal) the view of an endpoint.
   */
  openEndpoint(name: string): Promise<unknown>;
  /**
   * An endpoint changed (`null`: deleted): show it as it is now.
   */
  changed(name: string, endpoint: IEndpoint | null): void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Register the commands that serve a model and open, restart, stop and
 * delete endpoints.
 */
export function registerServingCommands(
  app: JupyterFrontEnd,
  options: IServingCommandsOptions
): void {
  const { client, trans } = options;
  const nameArgs = {
    type: 'object',
    properties: {
      name: { type: 'string', description: trans.__('The endpoint') }
    },
    required: ['name']
  };
  const hasName = (args: ReadonlyPartialJSONObject): boolean =>
    stringIn(args, 'name') !== null;

  app.commands.addCommand(CommandIDs.serveModel, {
    label: args =>
      stringIn(args, 'model_uri')
        ? trans.__('Serve %1…', stringIn(args, 'model_uri'))
        : trans.__('Serve Model…'),
    caption: trans.__(
      'Serve a model at an endpoint speaking MLflow’s scoring protocol'
    ),
    icon: mlxIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          model_uri: {
            type: 'string',
            description: trans.__(
              'The model, e.g. models:/churn@champion or models:/churn/3'
            )
          },
          name: {
            type: 'string',
            description: trans.__(
              "The endpoint's name; default: the model's name"
            )
          }
        },
        required: ['model_uri']
      }
    },
    execute: async args => {
      const endpoint = await options.serve(
        stringIn(args, 'model_uri') ?? '',
        stringIn(args, 'name') ?? undefined
      );
      if (endpoint === null) {
        return null;
      }
      options.changed(endpoint.name, endpoint);
      await options.openEndpoint(endpoint.name);
      return endpoint.name;
    }
  });

  app.commands.addCommand(CommandIDs.openEndpoint, {
    label: args =>
      hasName(args)
        ? trans.__('Open Endpoint %1', stringIn(args, 'name'))
        : trans.__('Open Endpoint'),
    caption: trans.__(
      'Show an endpoint: its versions, traffic, latency, drift and requests'
    ),
    icon: mlxIcon,
    isEnabled: hasName,
    describedBy: { args: nameArgs },
    execute: args =>
      options.openEndpoint(required(args, CommandIDs.openEndpoint))
  });

  app.commands.addCommand(CommandIDs.restartEndpoint, {
    label: trans.__('Restart Endpoint'),
    caption: trans.__("Start an endpoint's process again"),
    icon: mlxIcon,
    isEnabled: hasName,
    describedBy: { args: nameArgs },
    execute: async args => {
      const name = required(args, CommandIDs.restartEndpoint);
      await settle(
        trans.__('Cannot restart %1', name),
        async () => options.changed(name, await client.restartEndpoint(name)),
        trans
      );
    }
  });

  app.commands.addCommand(CommandIDs.stopEndpoint, {
    label: trans.__('Stop Endpoint'),
    caption: trans.__(
      "Stop an endpoint's process (the endpoint is kept: start it again later)"
    ),
    icon: mlxIcon,
    isEnabled: hasName,
    describedBy: { args: nameArgs },
    execute: async args => {
      const name = required(args, CommandIDs.stopEndpoint);
      await settle(
        trans.__('Cannot stop %1', name),
        async () => options.changed(name, await client.stopEndpoint(name)),
        trans
      );
    }
  });

  app.commands.addCommand(CommandIDs.deleteEndpoint, {
    label: trans.__('Delete Endpoint…'),
    caption: trans.__('Stop an endpoint and remove it'),
    icon: mlxIcon,
    isEnabled: hasName,
    describedBy: { args: nameArgs },
    execute: async args => {
      const name = required(args, CommandIDs.deleteEndpoint);
      const answer = await showDialog({
        title: trans.__('Delete Endpoint %1', name),
        body: trans.__(
          'Stop %1 and remove it? Clients calling it will get 404 until it is created again.',
          name
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Delete') })
        ]
      });
      if (!answer.button.accept) {
        return;
      }
      await settle(
        trans.__('Cannot delete %1', name),
        async () => {
          await client.deleteEndpoint(name);
          options.changed(name, null);
          Notification.success(trans.__('Deleted endpoint %1', name), {
            autoClose: 5000
          });
        },
        trans
      );
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
 * The endpoint name a command needs.
 *
 * @throws {Error} when it is missing.
 */
function required(args: ReadonlyPartialJSONObject, command: string): string {
  const value = stringIn(args, 'name');
  if (value === null) {
    throw new Error(`${command} needs a name.`);
  }
  return value;
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
