import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IEndpoint, IEndpointVersion } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { RefreshButton } from '../../shared/components/refresh-button';
import type { IEndpointActions } from './endpoint-actions';
import { EndpointButtons } from './endpoint-buttons';
import { EndpointStateBadge } from './endpoint-state';

/**
 * Properties of the endpoints list.
 */
export interface IEndpointsListProps extends IEndpointActions {
  /**
   * The endpoints, by name.
   */
  endpoints: ReadonlyArray<IEndpoint>;
  /**
   * An endpoint's requests per second, or `null` when not known.
   */
  rate: (name: string) => number | null;
  /**
   * Whether the list has been read once.
   */
  loaded: boolean;
  /**
   * Whether a refresh is in flight.
   */
  refreshing: boolean;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Refresh now.
   */
  onRefresh: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The endpoints: each with its state, model, loaded versions (the canary's
 * share), requests per second and actions.
 */
export function EndpointsList(props: IEndpointsListProps): JSX.Element {
  const { endpoints, trans } = props;
  return (
    <div
      className="jp-mlx-List jp-mlx-EndpointsList"
      aria-busy={props.refreshing}
    >
      <div className="jp-mlx-EndpointsList-toolbar">
        <RefreshButton
          label={trans.__('Refresh endpoints')}
          refreshing={props.refreshing}
          onRefresh={props.onRefresh}
        />
      </div>
      <ErrorNote error={props.error} />
      {endpoints.length === 0 ? (
        props.loaded &&
        props.error === null && (
          <p className="jp-mlx-Note">
            {trans.__(
              'No endpoints yet: serve a registered version or alias from the Models section, %mlx_serve or `jupyter mlx endpoints create`.'
            )}
          </p>
        )
      ) : (
        <ul
          role="list"
          className="jp-mlx-List-items"
          aria-label={trans.__('Endpoints')}
        >
          {endpoints.map(endpoint => (
            <EndpointRow key={endpoint.name} {...props} endpoint={endpoint} />
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * One endpoint.
 */
function EndpointRow(
  props: IEndpointsListProps & { endpoint: IEndpoint }
): JSX.Element {
  const { endpoint, trans } = props;
  const { name } = endpoint;
  const rate = props.rate(name);
  return (
    <li
      role="listitem"
      aria-label={name}
      className="jp-mlx-EndpointRow"
      data-name={name}
      data-state={endpoint.state}
    >
      <div className="jp-mlx-EndpointRow-head">
        <button
          type="button"
          className="jp-mlx-LinkButton jp-mlx-EndpointRow-name"
          title={trans.__('Open endpoint %1', name)}
          onClick={() => props.onOpen(name)}
        >
          {name}
        </button>
        <EndpointButtons {...props} endpoint={endpoint} trans={trans} />
      </div>
      <div className="jp-mlx-EndpointRow-meta">
        <EndpointStateBadge state={endpoint.state} trans={trans} />
        {rate !== null && (
          <span
            className="jp-mlx-EndpointRow-rate"
            title={trans.__('Requests per second since the last refresh')}
          >
            {trans.__('%1 req/s', formatRate(rate))}
          </span>
        )}
      </div>
      <div className="jp-mlx-EndpointRow-model" title={endpoint.model_uri}>
        {endpoint.model_uri}
      </div>
      {endpoint.versions.length > 0 && (
        <div
          className="jp-mlx-EndpointRow-versions"
          aria-label={trans.__('Versions of %1', name)}
        >
          {endpoint.versions.map(version => (
            <span
              key={`${version.role}-${version.model_uri}`}
              className={`jp-mlx-VersionChip jp-mod-${version.role}`}
            >
              {versionLabel(version, endpoint, trans)}
            </span>
          ))}
        </div>
      )}
      {endpoint.state === 'failed' && endpoint.last_error && (
        <ErrorNote
          error={endpoint.last_error}
          className="jp-mlx-EndpointRow-error"
        />
      )}
    </li>
  );
}

/**
 * A loaded version as a chip: `v3`, or `canary v4 · 10%`.
 */
export function versionLabel(
  version: IEndpointVersion,
  endpoint: IEndpoint,
  trans: TranslationBundle
): string {
  const name =
    version.version === null
      ? version.model_uri
      : trans.__('v%1', version.version);
  if (version.role === 'canary') {
    return trans.__('canary %1 · %2%', name, endpoint.canary?.percent ?? 0);
  }
  return name;
}

/**
 * A rate with one decimal below 10, none above.
 */
export function formatRate(rate: number): string {
  return rate < 10 ? rate.toFixed(1) : rate.toFixed(0);
}
