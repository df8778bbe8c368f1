import type { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog, Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { IEnvironment, SolverName } from '../api/types';
import { mlxIcon } from '../shared/icons';
import { failureMessage } from './failure';

/**
 * Ids of the environments commands.
 */
export namespace CommandIDs {
  /**
   * Ask for a new environment (a form, or a spec file to edit) and create
   * its spec.
   */
  export const createEnvironment = 'mlx:create-environment';

  /**
   * Solve an environment's spec into a lock.
   */
  export const lockEnvironment = 'mlx:lock-environment';

  /**
   * Install an environment from its lock, with its kernel.
   */
  export const installEnvironment = 'mlx:install-environment';

  /**
   * Remove an environment (after asking whether to delete its spec).
   */
  export const removeEnvironment = 'mlx:remove-environment';

  /**
   * Show an environment's lock against the previous lock.
   */
  export const showLockDiff = 'mlx:show-environment-lock-diff';

  /**
   * Refresh the Environments section now.
   */
  export const refreshEnvironments = 'mlx:refresh-environments';
}

/**
 * Arguments of the environments commands.
 */
export namespace CommandArguments {
  /**
   * `mlx:create-environment` and `mlx:refresh-environments` take no
   * argument.
   */
  export type INone = Record<string, never>;

  /**
   * Arguments of `mlx:install-environment`, `mlx:remove-environment` and
   * `mlx:show-environment-lock-diff`.
   */
  export interface IEnvironment {
    /**
     * The environment's name; without it the user picks one.
     */
    name?: string;
  }

  /**
   * Arguments of `mlx:lock-environment`.
   */
  export interface ILockEnvironment extends IEnvironment {
    /**
     * The solver, if not the server's default.
     */
    solver?: SolverName;
  }
}

/**
 * What the environments commands act on.
 */
export interface IEnvironmentsCommandsOptions {
  /**
   * The environments: those the section lists, or fetched when it has not
   * listed them yet.
   *
   * @throws {MLXResponseError} the server's errors.
   */
  environments(): Promise<ReadonlyArray<IEnvironment>>;
  /**
   * The environment of a name, fetched when it is not known yet.
   *
   * @throws {MLXResponseError} 404 for an unknown environment.
   */
  get(name: string): Promise<IEnvironment>;
  /**
   * Let the user pick one of `candidates`; `null` when cancelled.
   */
  pick?(
    title: string,
    candidates: ReadonlyArray<IEnvironment>
  ): Promise<IEnvironment | null>;
  /**
   * Ask for a new environment and create it.
   */
  create(): Promise<unknown>;
  /**
   * Lock an environment.
   */
  lock(environment: IEnvironment, solver: SolverName | null): Promise<unknown>;
  /**
   * Install an environment.
   */
  install(environment: IEnvironment): Promise<unknown>;
  /**
   * Remove an environment, after asking.
   */
  remove(environment: IEnvironment): Promise<unknown>;
  /**
   * Show an environment's lock diff.
   */
  showLockDiff(environment: IEnvironment): Promise<unknown>;
  /**
   * Refresh the list now.
   */
  refresh(): Promise<void>;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Whether an environment can be locked now.
 */
export function canLock(environment: IEnvironment): boolean {
  return environment.state !== 'installing';
}

/**
 * Whether an environment can be installed now: it has a current lock and
 * no install runs.
 */
export function canInstall(environment: IEnvironment): boolean {
  return (
    environment.lock_path !== null &&
    environment.state !== 'declared' &&
    environment.state !== 'stale' &&
    environment.state !== 'installing'
  );
}

/**
 * Whether an environment can be removed now.
 */
export function canRemove(environment: IEnvironment): boolean {
  return environment.state !== 'installing';
}

/**
 * Whether an environment has a lock to compare.
 */
export function hasLock(environment: IEnvironment): boolean {
  return environment.lock_path !== null;
}

/**
 * Register the commands that create, lock, install and remove environments,
 * compare locks and refresh the Environments section. Commands on one
 * environment take its `name`; without it (from the palette) the user picks
 * among the environments they apply to.
 */
export function registerEnvironmentsCommands(
  app: JupyterFrontEnd,
  options: IEnvironmentsCommandsOptions
): void {
  const { trans } = options;
  const pick = options.pick ?? pickEnvironment(trans);
  const noArgs = {
    type: 'object',
    properties: {},
    additionalProperties: false
  };
  const nameArgs = {
    type: 'object',
    properties: {
      name: {
        type: 'string',
        description: trans.__(
          "The environment's name; without it, pick one from a list"
        )
      }
    },
    additionalProperties: false
  };

  /**
   * The environment a call is about: the one named, or the one the user
   * picks among those `applies` to (`null` when cancelled or none).
   */
  const environmentOf = async (
    args: ReadonlyPartialJSONObject,
    title: string,
    none: string,
    applies: (environment: IEnvironment) => boolean
  ): Promise<IEnvironment | null> => {
    const name = nameIn(args);
    let known: ReadonlyArray<IEnvironment>;
    try {
      known = await options.environments();
      if (name) {
        return (
          known.find(environment => environment.name === name) ??
          (await options.get(name))
        );
      }
    } catch (reason) {
      Notification.error(trans.__('%1: %2', title, failureMessage(reason)), {
        autoClose: false
      });
      return null;
    }
    const candidates = known.filter(applies);
    if (candidates.length === 0) {
      Notification.info(none, { autoClose: 5000 });
      return null;
    }
    return pick(title, candidates);
  };

  /**
   * Execute a command on one environment: the one named, or the one the
   * user picks among those `applies` to.
   */
  const onEnvironment =
    (
      title: string,
      none: string,
      applies: (environment: IEnvironment) => boolean,
      act: (environment: IEnvironment) => Promise<unknown>
    ) =>
    async (args: ReadonlyPartialJSONObject): Promise<void> => {
      const environment = await environmentOf(args, title, none, applies);
      if (environment) {
        await act(environment);
      }
    };

  app.commands.addCommand(CommandIDs.createEnvironment, {
    label: trans.__('New Environment…'),
    caption: trans.__(
      'Declare a new environment: an environment.yml or a requirements.in, from a form or a template'
    ),
    icon: mlxIcon,
    describedBy: { args: noArgs },
    execute: () => options.create()
  });

  app.commands.addCommand(CommandIDs.lockEnvironment, {
    label: args =>
      nameIn(args)
        ? trans.__('Lock Environment %1', nameIn(args))
        : trans.__('Lock Environment…'),
    caption: trans.__("Solve an environment's spec into a lock"),
    icon: mlxIcon,
    describedBy: {
      args: {
        ...nameArgs,
        properties: {
          ...nameArgs.properties,
          solver: {
            type: 'string',
            enum: ['rattler', 'conda-lock'],
            description: trans.__("The solver; default: the server's")
          }
        }
      }
    },
    execute: args => {
      const solver = args['solver'];
      return onEnvironment(
        trans.__('Lock Environment'),
        trans.__('No environment to lock: create one first.'),
        canLock,
        environment =>
          options.lock(
            environment,
            solver === 'rattler' || solver === 'conda-lock' ? solver : null
          )
      )(args);
    }
  });

  app.commands.addCommand(CommandIDs.installEnvironment, {
    label: args =>
      nameIn(args)
        ? trans.__('Install Environment %1', nameIn(args))
        : trans.__('Install Environment…'),
    caption: trans.__('Install an environment from its lock, with its kernel'),
    icon: mlxIcon,
    describedBy: { args: nameArgs },
    execute: onEnvironment(
      trans.__('Install Environment'),
      trans.__('No environment to install: lock one first.'),
      canInstall,
      environment => options.install(environment)
    )
  });

  app.commands.addCommand(CommandIDs.removeEnvironment, {
    label: args =>
      nameIn(args)
        ? trans.__('Remove Environment %1', nameIn(args))
        : trans.__('Remove Environment…'),
    caption: trans.__(
      'Remove an environment: its installed files, its kernel and, if asked, its spec'
    ),
    icon: mlxIcon,
    describedBy: { args: nameArgs },
    execute: onEnvironment(
      trans.__('Remove Environment'),
      trans.__('No environment to remove.'),
      canRemove,
      environment => options.remove(environment)
    )
  });

  app.commands.addCommand(CommandIDs.showLockDiff, {
    label: trans.__('Show Environment Lock Diff…'),
    caption: trans.__(
      "Compare an environment's lock with the previous one: packages added, removed and changed"
    ),
    icon: mlxIcon,
    describedBy: { args: nameArgs },
    execute: onEnvironment(
      trans.__('Lock Diff'),
      trans.__('No environment has a lock yet.'),
      hasLock,
      environment => options.showLockDiff(environment)
    )
  });

  app.commands.addCommand(CommandIDs.refreshEnvironments, {
    label: trans.__('Refresh Environments'),
    caption: trans.__('List the environments of the workspace again now'),
    icon: mlxIcon,
    describedBy: { args: noArgs },
    execute: () => options.refresh()
  });
}

/**
 * The environment a command's arguments name, or `null` for none.
 */
function nameIn(args: ReadonlyPartialJSONObject): string | null {
  const name = args['name'];
  return typeof name === 'string' && name ? name : null;
}

/**
 * Let the user pick an environment in a dialog.
 */
function pickEnvironment(
  trans: TranslationBundle
): NonNullable<IEnvironmentsCommandsOptions['pick']> {
  return async (title, candidates) => {
    const answer = await InputDialog.getItem({
      title,
      label: trans.__('Environment'),
      items: candidates.map(environment => environment.name),
      current: 0,
      okLabel: trans.__('OK'),
      cancelLabel: trans.__('Cancel')
    });
    if (!answer.button.accept || answer.value === null) {
      return null;
    }
    return (
      candidates.find(environment => environment.name === answer.value) ?? null
    );
  };
}
