import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { IJobRun, JobRunStatus, RunTrigger } from '../../api/types';
import { formatDuration, useNow } from '../../shared/time';
import { isActiveJobStatus, parseTime, runDuration } from '../status';

/**
 * The translated name of a job run status.
 */
export function jobStatusLabel(
  status: JobRunStatus,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'queued':
      return trans.__('Queued');
    case 'running':
      return trans.__('Running');
    case 'succeeded':
      return trans.__('Succeeded');
    case 'failed':
      return trans.__('Failed');
    case 'stopped':
      return trans.__('Stopped');
    case 'timed_out':
      return trans.__('Timed out');
    case 'interrupted':
      return trans.__('Interrupted');
    default:
      return status;
  }
}

/**
 * What a run's status says beyond its name: for a queued retry
 * `retry 1 in 8s`; while running the time the attempt has run, the cell
 * executing (`cell 7 of 12`) and, on a retry, the attempt; `''` otherwise.
 *
 * @param now - The current time, ms since the epoch.
 */
export function jobStatusDetail(
  run: IJobRun,
  now: number,
  trans: TranslationBundle
): string {
  if (run.status === 'queued') {
    const due = parseTime(run.next_attempt_at);
    if (due === null) {
      return '';
    }
    return due > now
      ? trans.__('retry %1 in %2', run.attempt, formatDuration(due - now))
      : trans.__('retry %1 due', run.attempt);
  }
  if (run.status !== 'running') {
    return '';
  }
  const parts: string[] = [];
  const current = run.attempts[run.attempts.length - 1];
  const start = parseTime(current?.started_at ?? run.started_at);
  if (start !== null) {
    parts.push(formatDuration(Math.max(0, now - start)));
  }
  if (run.progress) {
    parts.push(
      trans.__('cell %1 of %2', run.progress.cell, run.progress.total)
    );
  }
  if (run.attempt > 1) {
    parts.push(trans.__('attempt %1 of %2', run.attempt, run.retries + 1));
  }
  return parts.join(' · ');
}

/**
 * Properties of a job status badge.
 */
export interface IJobStatusProps {
  /**
   * The run.
   */
  run: IJobRun;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * A job run's status: a coloured dot, its name and, while it is active, what
 * it is doing (counting up every second).
 */
export function JobStatusBadge(props: IJobStatusProps): JSX.Element {
  const { run, trans } = props;
  const now = useNow(isActiveJobStatus(run.status));
  return (
    <JobStatusLabel
      status={run.status}
      detail={jobStatusDetail(run, now, trans)}
      trans={trans}
    />
  );
}

/**
 * A status (of a run, or of a sweep) as a coloured dot and its name, with
 * what it says beyond it.
 */
export function JobStatusLabel(props: {
  status: JobRunStatus;
  detail?: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { status, detail } = props;
  const label = jobStatusLabel(status, props.trans);
  return (
    <span
      className={`jp-mlx-JobStatus ${statusClass(status)}`}
      data-status={status}
      title={detail ? `${label} · ${detail}` : label}
    >
      <span className="jp-mlx-JobStatus-dot" aria-hidden="true" />
      <span className="jp-mlx-JobStatus-label">{label}</span>
      {detail && <span className="jp-mlx-JobStatus-detail">{detail}</span>}
    </span>
  );
}

/**
 * The class giving a status its colour.
 */
export function statusClass(status: JobRunStatus): string {
  return `jp-mod-${status.replace('_', '-')}`;
}

/**
 * The translated name of what started a run.
 */
export function triggerLabel(
  trigger: RunTrigger,
  trans: TranslationBundle
): string {
  switch (trigger) {
    case 'manual':
      return trans.__('Manual');
    case 'schedule':
      return trans.__('Schedule');
    case 'catchup':
      return trans.__('Catch-up');
    case 'reproduce':
      return trans.__('Reproduction');
    default:
      return trans.__('Sweep trial');
  }
}

/**
 * How long a job run took, or has been running (counting up).
 */
export function JobDuration(props: { run: IJobRun }): JSX.Element {
  const { run } = props;
  const now = useNow(isActiveJobStatus(run.status));
  const duration = runDuration(run, now);
  return (
    <span className="jp-mlx-JobDuration">
      {duration === null ? '' : formatDuration(duration)}
    </span>
  );
}

/**
 * A datetime as the user's locale writes it, short.
 */
export function formatTime(iso: string | null): string {
  const time = parseTime(iso);
  return time === null
    ? ''
    : new Date(time).toLocaleString(undefined, {
        dateStyle: 'short',
        timeStyle: 'medium'
      });
}
