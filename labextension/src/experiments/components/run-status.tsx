import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { RunStatus } from '../../api/types';
import { formatDuration, useNow } from '../../shared/time';

/**
 * The translated name of a run status.
 */
export function statusLabel(status: string, trans: TranslationBundle): string {
  switch (status as RunStatus) {
    case 'RUNNING':
      return trans.__('Running');
    case 'SCHEDULED':
      return trans.__('Scheduled');
    case 'FINISHED':
      return trans.__('Finished');
    case 'FAILED':
      return trans.__('Failed');
    case 'KILLED':
      return trans.__('Killed');
    default:
      return status;
  }
}

/**
 * Properties of a run status badge.
 */
export interface IRunStatusProps {
  /**
   * The run's status.
   */
  status: string;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
  /**
   * Show only the dot; the status is then its title and accessible name.
   */
  compact?: boolean;
}

/**
 * A run's status: a coloured dot and its name.
 */
export function RunStatusBadge(props: IRunStatusProps): JSX.Element {
  const { status, trans, compact } = props;
  const label = statusLabel(status, trans);
  return (
    <span
      className={`jp-mlx-RunStatus jp-mod-${status.toLowerCase()}`}
      title={label}
      aria-label={compact ? label : undefined}
      role={compact ? 'img' : undefined}
    >
      <span className="jp-mlx-RunStatus-dot" aria-hidden="true" />
      {!compact && <span className="jp-mlx-RunStatus-label">{label}</span>}
    </span>
  );
}

/**
 * A metric value with at most four significant digits.
 */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e6) {
    return String(value);
  }
  return Number(value.toPrecision(4)).toString();
}

/**
 * Properties of a run duration.
 */
export interface IRunDurationProps {
  /**
   * Start of the run, ms since the epoch.
   */
  start: number | null;
  /**
   * End of the run, ms since the epoch; `null` while it is active.
   */
  end: number | null;
  /**
   * The run's status: an active run's duration counts up.
   */
  status: string;
}

/**
 * How long a run took, or has been running (counting up).
 */
export function RunDuration(props: IRunDurationProps): JSX.Element {
  const { start, end, status } = props;
  const live = end === null && (status === 'RUNNING' || status === 'SCHEDULED');
  const now = useNow(live);
  if (start === null) {
    return <span className="jp-mlx-RunDuration" />;
  }
  const stop = end ?? (live ? now : start);
  return (
    <span className="jp-mlx-RunDuration">
      {formatDuration(Math.max(0, stop - start))}
    </span>
  );
}
