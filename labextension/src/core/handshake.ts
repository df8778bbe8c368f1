import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IDescribeConfig } from '../api/types';
import type { IMLXClient } from '../tokens';

/**
 * What the front-end learnt from the server extension at start-up.
 */
export type Handshake =
  /** Server and front-end are the same version. */
  | { kind: 'ok'; config: IDescribeConfig }
  /** The server answered 404: the server extension is not enabled. */
  | { kind: 'missing' }
  /** Both sides answer, with different versions. */
  | { kind: 'mismatch'; config: IDescribeConfig; frontendVersion: string }
  /** The server answered another error; the status section shows it. */
  | { kind: 'failed'; error: Error };

/**
 * Ask the server for its configuration and compare versions.
 *
 * @param client - The REST API client.
 * @param frontendVersion - The version of this front-end.
 * @returns The outcome; never rejects.
 */
export async function checkServer(
  client: IMLXClient,
  frontendVersion: string
): Promise<Handshake> {
  let config: IDescribeConfig;
  try {
    config = await client.getConfig();
  } catch (reason) {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (statusOf(error) === 404) {
      return { kind: 'missing' };
    }
    return { kind: 'failed', error };
  }
  if (config.version !== frontendVersion) {
    return { kind: 'mismatch', config, frontendVersion };
  }
  return { kind: 'ok', config };
}

/**
 * Tell the user what a failed handshake means and how to fix it: one dialog
 * when the server extension is missing, one warning when versions differ.
 *
 * @param handshake - The outcome of `checkServer`.
 * @param trans - The jupyter-mlx translation bundle.
 */
export async function reportHandshake(
  handshake: Handshake,
  trans: TranslationBundle
): Promise<void> {
  switch (handshake.kind) {
    case 'missing':
      await showDialog({
        title: trans.__('MLX server extension not found'),
        body: trans.__(
          'The jupyter-mlx server extension is not enabled on this Jupyter server, so the MLX sidebar cannot work. Enable it with `jupyter server extension enable jupyter_mlx`, then restart the server.'
        ),
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return;
    case 'mismatch':
      Notification.warning(
        trans.__(
          'The jupyter-mlx server extension is version %1 but the JupyterLab extension is version %2. Reinstall jupyter-mlx and restart the server so both match.',
          handshake.config.version,
          handshake.frontendVersion
        ),
        { autoClose: false }
      );
      return;
    default:
      return;
  }
}

function statusOf(error: Error): number | null {
  // Duck-typed: ResponseError may come from another copy of the services
  // package, and Response from another realm.
  const response = (error as { response?: { status?: unknown } }).response;
  return typeof response?.status === 'number' ? response.status : null;
}
