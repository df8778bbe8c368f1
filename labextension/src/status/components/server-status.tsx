import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IDescribeConfig } from '../../api/types';
import { RefreshButton } from '../../shared/components/refresh-button';

/**
 * Properties of the server status view.
 */
export interface IServerStatusProps {
  /**
   * The server's last answer, or `null` before the first one.
   */
  config: IDescribeConfig | null;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * Ask for a refresh.
   */
  onRefresh: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The server status: version, workspace, tracking URI and job store health of
 * the jupyter-mlx server extension, as a labelled list.
 */
export function ServerStatus(props: IServerStatusProps): JSX.Element {
  const { config, error, refreshing, onRefresh, trans } = props;
  return (
    <div className="jp-mlx-ServerStatus" aria-busy={refreshing}>
      <div className="jp-mlx-ServerStatus-toolbar">
        <RefreshButton
          className="jp-mlx-ServerStatus-refresh"
          label={trans.__('Refresh server status')}
          refreshing={refreshing}
          onRefresh={onRefresh}
        />
      </div>
      {error !== null && (
        <div className="jp-mlx-ServerStatus-error" role="alert">
          {error}
        </div>
      )}
      {config === null ? (
        error === null && (
          <p className="jp-mlx-ServerStatus-loading">
            {trans.__('Loading server status…')}
          </p>
        )
      ) : (
        <dl className="jp-mlx-Facts jp-mlx-ServerStatus-facts">
          <dt>{trans.__('Version')}</dt>
          <dd>{config.version}</dd>
          <dt>{trans.__('Workspace')}</dt>
          <dd title={config.workspace}>{config.workspace}</dd>
          <dt>{trans.__('Tracking URI')}</dt>
          <dd title={config.tracking_uri}>{config.tracking_uri}</dd>
          <dt>{trans.__('Store')}</dt>
          <dd>
            <StoreHealth store={config.store} trans={trans} />
          </dd>
        </dl>
      )}
    </div>
  );
}

/**
 * Health of the job store: healthy or unhealthy, its schema revision, and
 * why it is unhealthy.
 */
function StoreHealth(props: {
  store: IDescribeConfig['store'];
  trans: TranslationBundle;
}): JSX.Element {
  const { store, trans } = props;
  const revision = store.revision ?? trans.__('none');
  return (
    <span
      className={
        store.healthy
          ? 'jp-mlx-ServerStatus-store jp-mod-healthy'
          : 'jp-mlx-ServerStatus-store jp-mod-unhealthy'
      }
      title={store.url}
    >
      {store.healthy
        ? trans.__('healthy (revision %1)', revision)
        : trans.__('unhealthy (revision %1)', revision)}
      {!store.healthy && store.message && (
        <span className="jp-mlx-ServerStatus-storeMessage">
          {store.message}
        </span>
      )}
    </span>
  );
}
