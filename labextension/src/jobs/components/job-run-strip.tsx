import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IJobRun, IJobRunBrief } from '../../api/types';
import {
  formatTime,
  jobStatusLabel,
  statusClass,
  triggerLabel
} from './job-status';

/**
 * Properties of a strip of runs.
 */
export interface IJobRunStripProps {
  /**
   * The runs, oldest first.
   */
  runs: ReadonlyArray<IJobRunBrief | IJobRun>;
  /**
   * Accessible name of the strip.
   */
  label: string;
  /**
   * Open a run's view; without it the cells are not buttons.
   */
  onOpen?: (runId: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * Runs as a strip of cells, oldest first, each in its status's colour, with
 * its status, time and trigger as its name.
 */
export function JobRunStrip(props: IJobRunStripProps): JSX.Element | null {
  const { runs, onOpen, trans } = props;
  if (runs.length === 0) {
    return null;
  }
  return (
    <ol className="jp-mlx-JobStrip" aria-label={props.label}>
      {runs.map(run => {
        const name = trans.__(
          '%1 · %2 · %3',
          jobStatusLabel(run.status, trans),
          formatTime(run.scheduled_for ?? run.created_at),
          triggerLabel(run.trigger, trans)
        );
        const className = `jp-mlx-JobStrip-cell ${statusClass(run.status)}`;
        return (
          <li key={run.id} data-run-id={run.id} data-status={run.status}>
            {onOpen ? (
              <button
                type="button"
                className={className}
                aria-label={name}
                title={name}
                onClick={() => onOpen(run.id)}
              />
            ) : (
              <span className={className} title={name} />
            )}
          </li>
        );
      })}
    </ol>
  );
}
