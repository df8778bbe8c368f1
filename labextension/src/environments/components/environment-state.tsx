import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { EnvironmentState } from '../../api/types';

/**
 * The translated name of an environment state.
 */
export function environmentStateLabel(
  state: EnvironmentState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'declared':
      return trans.__('Declared');
    case 'locked':
      return trans.__('Locked');
    case 'stale':
      return trans.__('Stale');
    case 'installing':
      return trans.__('Installing');
    case 'ready':
      return trans.__('Ready');
    case 'failed':
      return trans.__('Failed');
    default:
      return state;
  }
}

/**
 * What each state means, for the badge's tooltip.
 */
export function environmentStateHint(
  state: EnvironmentState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'declared':
      return trans.__('Declared: the spec has no lock yet. Lock it.');
    case 'locked':
      return trans.__(
        'Locked: the lock is current but not installed. Install it.'
      );
    case 'stale':
      return trans.__('Stale: the spec changed since the lock. Lock it again.');
    case 'installing':
      return trans.__('Installing from the lock.');
    case 'ready':
      return trans.__('Ready: installed from the current lock.');
    case 'failed':
      return trans.__('Failed: the last lock or install failed.');
    default:
      return state;
  }
}

/**
 * An environment's state as a coloured dot and its name, in the colours of
 * the job run statuses (installing as running, ready as succeeded, ...).
 */
export function EnvironmentStateBadge(props: {
  state: EnvironmentState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <span
      className={`jp-mlx-EnvironmentState jp-mod-${state}`}
      data-state={state}
      title={environmentStateHint(state, trans)}
    >
      <span className="jp-mlx-EnvironmentState-dot" aria-hidden="true" />
      <span className="jp-mlx-EnvironmentState-label">
        {environmentStateLabel(state, trans)}
      </span>
    </span>
  );
}
