import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { EndpointState } from '../../api/types';

/**
 * The translated name of an endpoint state.
 */
export function endpointStateLabel(
  state: EndpointState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'starting':
      return trans.__('Starting');
    case 'running':
      return trans.__('Running');
    case 'crashed':
      return trans.__('Crashed');
    case 'stopped':
      return trans.__('Stopped');
    case 'failed':
      return trans.__('Failed');
    default:
      return state;
  }
}

/**
 * What each state means, for the badge's tooltip.
 */
export function endpointStateHint(
  state: EndpointState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'starting':
      return trans.__('Starting: loading the model.');
    case 'running':
      return trans.__('Running: serving requests.');
    case 'crashed':
      return trans.__('Crashed: restarting after a delay.');
    case 'stopped':
      return trans.__('Stopped: start it to serve again.');
    case 'failed':
      return trans.__(
        'Failed: it kept crashing and is no longer restarted. Read its log, then restart it.'
      );
    default:
      return state;
  }
}

/**
 * An endpoint's state as a coloured dot and its name.
 */
export function EndpointStateBadge(props: {
  state: EndpointState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <span
      className={`jp-mlx-EndpointState jp-mod-${state}`}
      data-state={state}
      title={endpointStateHint(state, trans)}
    >
      <span className="jp-mlx-EndpointState-dot" aria-hidden="true" />
      <span className="jp-mlx-EndpointState-label">
        {endpointStateLabel(state, trans)}
      </span>
    </span>
  );
}
