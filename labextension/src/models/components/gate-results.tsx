import type { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon, closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { GateStatus, IGateResult, IPromotion } from '../../api/types';

/**
 * Each gate of a promotion with its status and its detail, then the
 * promotion's outcome once it ended.
 */
export function GateResults(props: {
  /**
   * The promotion as last read.
   */
  promotion: IPromotion;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { promotion, trans } = props;
  return (
    <section
      className="jp-mlx-GateResults"
      aria-label={trans.__('Gates')}
      aria-busy={promotion.state === 'running'}
    >
      {promotion.gates.length === 0 ? (
        <p className="jp-mlx-Note">{trans.__('No gates.')}</p>
      ) : (
        <ul className="jp-mlx-GateResults-list" aria-label={trans.__('Gates')}>
          {promotion.gates.map((gate, index) => (
            <GateRow key={index} gate={gate} trans={trans} />
          ))}
        </ul>
      )}
      <p
        className={`jp-mlx-GateResults-outcome jp-mod-${promotion.state}`}
        role="status"
        aria-label={trans.__('Outcome')}
      >
        {outcomeLine(promotion, trans)}
      </p>
    </section>
  );
}

/**
 * One gate: its status icon, the gate as written, its status in words and
 * its detail.
 */
function GateRow(props: {
  gate: IGateResult;
  trans: TranslationBundle;
}): JSX.Element {
  const { gate, trans } = props;
  const status = statusLabel(gate.status, trans);
  return (
    <li
      className={`jp-mlx-GateResults-gate jp-mod-${gate.status}`}
      data-status={gate.status}
      aria-label={trans.__('%1: %2', gate.gate, status)}
    >
      <GateIcon status={gate.status} />
      <span className="jp-mlx-GateResults-name">{gate.gate}</span>
      <span className="jp-mlx-GateResults-status">{status}</span>
      {gate.detail && (
        <span className="jp-mlx-GateResults-detail">{gate.detail}</span>
      )}
    </li>
  );
}

/**
 * The icon of a gate's status: a hollow circle, a spinner, a check, a cross.
 */
function GateIcon(props: { status: GateStatus }): JSX.Element {
  switch (props.status) {
    case 'passed':
      return (
        <checkIcon.react
          tag="span"
          className="jp-mlx-GateResults-icon"
          aria-hidden="true"
        />
      );
    case 'failed':
      return (
        <closeIcon.react
          tag="span"
          className="jp-mlx-GateResults-icon"
          aria-hidden="true"
        />
      );
    default:
      return (
        <span
          className={`jp-mlx-GateResults-icon jp-mlx-GateResults-${props.status}`}
          aria-hidden="true"
        />
      );
  }
}

/**
 * A gate's status in words.
 */
function statusLabel(status: GateStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'pending':
      return trans.__('pending');
    case 'running':
      return trans.__('running');
    case 'passed':
      return trans.__('passed');
    case 'failed':
      return trans.__('failed');
  }
}

/**
 * What a promotion came to, in one line: "Promoted: wine version 3 is now
 * @champion (was 2)", "Refused: ...", "Failed: ...", or that it runs.
 */
export function outcomeLine(
  promotion: IPromotion,
  trans: TranslationBundle
): string {
  const { name, alias, version, previous_version: previous } = promotion;
  switch (promotion.state) {
    case 'running':
      return trans.__('Running the gates…');
    case 'promoted':
      return previous === null
        ? trans.__('Promoted: %1 version %2 is now @%3', name, version, alias)
        : trans.__(
            'Promoted: %1 version %2 is now @%3 (was %4)',
            name,
            version,
            alias,
            previous
          );
    case 'refused':
      return trans.__(
        'Refused: %1',
        promotion.error ?? trans.__('a gate failed')
      );
    case 'failed':
      return trans.__(
        'Failed: %1',
        promotion.error ?? trans.__('unknown error')
      );
  }
}
