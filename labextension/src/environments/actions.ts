import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IEnvironment, SolverName } from '../api/types';
import type { IMLXClient } from '../tokens';
import { failureMessage } from './failure';
import type { EnvironmentsState } from './state/environments';
import type { IEnvironmentFormResult } from './state/form';
import { showEnvironmentFormDialog } from './widgets/environment-form-dialog';
import { showLockDiffDialog } from './widgets/lock-diff-dialog';

/**
 * Milliseconds a success notification stays; failures stay until closed.
 */
const SUCCESS_AUTO_CLOSE_MS = 8_000;

/**
 * What the user does to environments, from the Environments section and the
 * commands: create, lock, install, remove and compare locks, each telling a
 * failure with the server's message.
 */
export class EnvironmentActions {
  /**
   * @param options - The client, the section's state, how to open files and
   * the translation bundle.
   */
  constructor(options: EnvironmentActions.IOptions) {
    this._client = options.client;
    this._state = options.state;
    this._trans = options.trans;
    this._openPath = options.openPath;
    this._onRemoved = options.onRemoved ?? (() => undefined);
  }

  /**
   * Ask for a new environment and create its spec; a spec written as a file
   * opens in the editor.
   *
   * @returns What was created, or `null` when the user cancelled.
   */
  async create(): Promise<IEnvironmentFormResult | null> {
    const trans = this._trans;
    let result: IEnvironmentFormResult | null;
    try {
      result = await showEnvironmentFormDialog({ client: this._client, trans });
    } catch (reason) {
      this._failed(trans.__('Cannot create the environment'), reason);
      return null;
    }
    if (result === null) {
      return null;
    }
    const { environment, mode } = result;
    this._state.upsert(environment);
    this._state.highlight(environment.name);
    if (mode === 'file') {
      this._openPath(environment.spec_path);
    } else {
      Notification.success(
        trans.__(
          'Environment %1 declared in %2. Lock it next.',
          environment.name,
          environment.spec_path
        ),
        {
          autoClose: SUCCESS_AUTO_CLOSE_MS,
          actions: [
            {
              label: trans.__('Lock'),
              caption: trans.__(
                'Solve the spec of %1 into a lock',
                environment.name
              ),
              callback: () => void this.lock(environment)
            }
          ]
        }
      );
    }
    return result;
  }

  /**
   * Solve an environment's spec into a lock (which may take seconds).
   *
   * @param environment - The environment.
   * @param solver - The solver, if not the server's default.
   * @returns The environment, locked, or `null` when it could not be (the
   * user was told why).
   */
  async lock(
    environment: IEnvironment,
    solver: SolverName | null = null
  ): Promise<IEnvironment | null> {
    const trans = this._trans;
    const { name } = environment;
    this._state.setBusy(name, 'locking');
    this._state.setFailure(name, null);
    const notice = Notification.emit(
      trans.__('Locking %1…', name),
      'in-progress',
      {
        autoClose: false
      }
    );
    try {
      const locked = await this._client.lockEnvironment(
        name,
        solver === null ? {} : { solver }
      );
      this._state.follow(locked);
      Notification.update({
        id: notice,
        message: trans._n(
          'Locked %2: %1 package.',
          'Locked %2: %1 packages.',
          locked.packages,
          name
        ),
        type: 'success',
        autoClose: SUCCESS_AUTO_CLOSE_MS,
        actions:
          locked.state === 'locked'
            ? [
                {
                  label: trans.__('Install'),
                  caption: trans.__('Install %1 from its lock', name),
                  callback: () => void this.install(locked)
                }
              ]
            : []
      });
      return locked;
    } catch (reason) {
      const message = trans.__(
        'Cannot lock %1: %2',
        name,
        failureMessage(reason)
      );
      this._state.setFailure(name, message);
      Notification.update({
        id: notice,
        message,
        type: 'error',
        autoClose: false
      });
      // A failed lock may leave the environment `failed`, with its error.
      void this._state.refresh();
      return null;
    } finally {
      this._state.setBusy(name, null);
    }
  }

  /**
   * Start installing an environment from its lock; its progress and log
   * show in its row.
   *
   * @returns The environment, installing, or `null` when the install could
   * not start (the user was told why).
   */
  async install(environment: IEnvironment): Promise<IEnvironment | null> {
    const { name } = environment;
    this._state.setBusy(name, 'installing');
    this._state.setFailure(name, null);
    try {
      const installing = await this._client.installEnvironment(name);
      this._state.follow(installing);
      return installing;
    } catch (reason) {
      this._state.setFailure(
        name,
        this._failed(this._trans.__('Cannot install %1', name), reason)
      );
      void this._state.refresh();
      return null;
    } finally {
      this._state.setBusy(name, null);
    }
  }

  /**
   * Remove an environment once the user confirms: its installed prefix, its
   * kernel and, when asked, its spec file.
   *
   * @returns Whether it was removed.
   */
  async remove(environment: IEnvironment): Promise<boolean> {
    const trans = this._trans;
    const { name } = environment;
    const answer = await showDialog({
      title: trans.__('Remove environment?'),
      body: environment.kernel
        ? trans.__(
            'Remove %1: its installed files and its kernel %2?',
            name,
            environment.kernel
          )
        : trans.__('Remove %1 and its installed files?', name),
      checkbox: {
        label: trans.__(
          'Also delete its spec %1 and its lock',
          environment.spec_path
        ),
        caption: trans.__(
          'Unchecked, the spec and the lock stay: the environment can be installed again'
        ),
        checked: false
      },
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Remove') })
      ]
    });
    if (!answer.button.accept) {
      return false;
    }
    const deleteSpec = answer.isChecked ?? false;
    this._state.setBusy(name, 'removing');
    try {
      await this._client.deleteEnvironment(name, { delete_spec: deleteSpec });
    } catch (reason) {
      this._state.setBusy(name, null);
      this._failed(trans.__('Cannot remove %1', name), reason);
      return false;
    }
    if (deleteSpec) {
      this._state.remove(name);
    } else {
      this._state.setBusy(name, null);
    }
    this._onRemoved(name);
    // Without its spec deleted the environment is still declared.
    void this._state.refresh();
    return true;
  }

  /**
   * Show an environment's lock against the previous lock.
   */
  async showLockDiff(environment: IEnvironment): Promise<void> {
    const trans = this._trans;
    try {
      const diff = await this._client.getLockDiff(environment.name);
      await showLockDiffDialog(diff, trans);
    } catch (reason) {
      this._failed(
        trans.__('Cannot compare the locks of %1', environment.name),
        reason
      );
    }
  }

  /**
   * Tell the user that an action failed, with the server's message.
   *
   * @returns The line told.
   */
  private _failed(what: string, reason: unknown): string {
    const message = this._trans.__('%1: %2', what, failureMessage(reason));
    Notification.error(message, { autoClose: false });
    return message;
  }

  private _client: IMLXClient;
  private _onRemoved: (name: string) => void;
  private _openPath: (path: string) => void;
  private _state: EnvironmentsState;
  private _trans: TranslationBundle;
}

/**
 * Types of `EnvironmentActions`.
 */
export namespace EnvironmentActions {
  /**
   * Options of the environment actions.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The state of the Environments section.
     */
    state: EnvironmentsState;
    /**
     * Open a file (a spec, a lock) in the editor.
     */
    openPath: (path: string) => void;
    /**
     * What follows a removal (its kernel is gone).
     */
    onRemoved?: (name: string) => void;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
