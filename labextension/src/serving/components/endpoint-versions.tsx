import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IEndpoint } from '../../api/types';
import { formatMilliseconds } from './format';

/**
 * The versions an endpoint has loaded: role (with the canary's share),
 * model, requests, errors and latency percentiles.
 */
export function EndpointVersions(props: {
  endpoint: IEndpoint;
  trans: TranslationBundle;
}): JSX.Element {
  const { endpoint, trans } = props;
  if (endpoint.versions.length === 0) {
    return (
      <p className="jp-mlx-Note">
        {trans.__('No version loaded: the endpoint is not running.')}
      </p>
    );
  }
  return (
    <table
      className="jp-mlx-Table jp-mlx-EndpointVersions"
      aria-label={trans.__('Versions served')}
    >
      <thead>
        <tr>
          <th scope="col">{trans.__('Role')}</th>
          <th scope="col">{trans.__('Version')}</th>
          <th scope="col">{trans.__('Model')}</th>
          <th scope="col">{trans.__('Requests')}</th>
          <th scope="col">{trans.__('Errors')}</th>
          <th scope="col">{trans.__('p50')}</th>
          <th scope="col">{trans.__('p99')}</th>
        </tr>
      </thead>
      <tbody>
        {endpoint.versions.map(version => (
          <tr
            key={`${version.role}-${version.model_uri}`}
            data-role={version.role}
          >
            <th scope="row">
              {version.role === 'canary'
                ? trans.__('canary (%1%)', endpoint.canary?.percent ?? 0)
                : trans.__('primary')}
            </th>
            <td>{version.version ?? '–'}</td>
            <td className="jp-mlx-EndpointVersions-uri">{version.model_uri}</td>
            <td>{version.requests}</td>
            <td>{version.errors}</td>
            <td>{formatMilliseconds(version.p50_ms)}</td>
            <td>{formatMilliseconds(version.p99_ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
