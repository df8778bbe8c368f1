import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { ISweep, ISweepSummary } from '../../api/types';
import { formatMetric } from '../../experiments/components/run-status';
import { ErrorNote } from '../../shared/components/error-note';
import { JobStatusLabel } from './job-status';

/**
 * A sweep's progress: how many of its trials ended, as a bar and in words.
 */
export function SweepProgress(props: {
  sweep: Pick<ISweepSummary, 'done' | 'total' | 'name'>;
  trans: TranslationBundle;
}): JSX.Element {
  const { sweep, trans } = props;
  const text = trans.__('%1 of %2', sweep.done, sweep.total);
  return (
    <span className="jp-mlx-SweepProgress">
      <progress
        className="jp-mlx-SweepProgress-bar"
        value={sweep.done}
        max={Math.max(1, sweep.total)}
        aria-label={trans.__('Sweep progress')}
        aria-valuetext={text}
      />
      <span className="jp-mlx-SweepProgress-text">{text}</span>
    </span>
  );
}

/**
 * A sweep's best value so far, with its metric and direction.
 */
export function bestText(
  sweep: Pick<ISweep | ISweepSummary, 'metric' | 'direction'>,
  value: number | null,
  trans: TranslationBundle
): string {
  if (sweep.metric === null) {
    return trans.__('no metric');
  }
  if (value === null) {
    return trans.__('no %1 yet', sweep.metric);
  }
  return sweep.direction === 'maximize'
    ? trans.__('best %1 (max): %2', sweep.metric, formatMetric(value))
    : trans.__('best %1 (min): %2', sweep.metric, formatMetric(value));
}

/**
 * Properties of the sweeps list.
 */
export interface ISweepsListProps {
  /**
   * The recent sweeps, newest first.
   */
  sweeps: ReadonlyArray<ISweepSummary>;
  /**
   * The message of the last refresh's error, or `null`.
   */
  error: string | null;
  /**
   * Open a sweep's view.
   */
  onOpen: (sweepId: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The recent sweeps: each with its status, progress and best value; nothing
 * when there is none.
 */
export function SweepsList(props: ISweepsListProps): JSX.Element | null {
  const { sweeps, trans } = props;
  if (sweeps.length === 0 && props.error === null) {
    return null;
  }
  return (
    <div className="jp-mlx-List jp-mlx-SweepsList">
      <h3 className="jp-mlx-JobsSection-heading">{trans.__('Sweeps')}</h3>
      <ErrorNote error={props.error} />
      <ul className="jp-mlx-List-items" aria-label={trans.__('Sweeps')}>
        {sweeps.map(sweep => (
          <li
            key={sweep.id}
            className="jp-mlx-SweepRow"
            aria-label={sweep.name}
            data-sweep-id={sweep.id}
            data-status={sweep.status}
          >
            <div className="jp-mlx-SweepRow-head">
              <button
                type="button"
                className="jp-mlx-LinkButton jp-mlx-SweepRow-name"
                onClick={() => props.onOpen(sweep.id)}
                title={trans.__('Open sweep %1', sweep.name)}
              >
                {sweep.name}
              </button>
              <JobStatusLabel status={sweep.status} trans={trans} />
            </div>
            <div className="jp-mlx-SweepRow-meta">
              <SweepProgress sweep={sweep} trans={trans} />
              <span>{bestText(sweep, sweep.best_value, trans)}</span>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
