import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IEnvironment } from '../api/types';
import type { EnvironmentsState } from './state/environments';

/**
 * Milliseconds a success notification stays; failures stay until closed.
 */
const SUCCESS_AUTO_CLOSE_MS = 10_000;

/**
 * How the end of an install is told: its notification type and message.
 */
export function installEndedNotice(
  environment: IEnvironment,
  trans: TranslationBundle
): { type: 'success' | 'error'; message: string } {
  const { name } = environment;
  if (environment.state === 'ready') {
    return {
      type: 'success',
      message: environment.kernel
        ? trans.__(
            'Environment %1 is ready: its kernel is %2.',
            name,
            environment.kernel
          )
        : trans.__(
            'Environment %1 is ready (without ipykernel it has no kernel).',
            name
          )
    };
  }
  return {
    type: 'error',
    message: environment.error
      ? trans.__('Installing %1 failed: %2', name, environment.error)
      : trans.__('Installing %1 failed: see its log.', name)
  };
}

/**
 * Tell the end of every install the Environments section saw running.
 *
 * @param state - The section's state.
 * @param options.enabled - Whether to tell (a setting).
 * @param options.trans - The jupyter-mlx translation bundle.
 */
export function notifyInstallEnds(
  state: EnvironmentsState,
  options: { enabled: () => boolean; trans: TranslationBundle }
): void {
  state.installEnded.connect((_, environment) => {
    if (!options.enabled()) {
      return;
    }
    const notice = installEndedNotice(environment, options.trans);
    Notification.emit(notice.message, notice.type, {
      autoClose: notice.type === 'success' ? SUCCESS_AUTO_CLOSE_MS : false
    });
  }, state);
}
