import type { IJobRun, JobRunStatus } from '../api/types';

/**
 * Every status of a job run, in the order of a run's life.
 */
export const JOB_RUN_STATUSES: ReadonlyArray<JobRunStatus> = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'stopped',
  'timed_out',
  'interrupted'
];

/**
 * Whether a run in this status has not ended yet (it can be stopped).
 */
export function isActiveJobStatus(status: JobRunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * Milliseconds since the epoch of an ISO 8601 datetime, or `null`.
 */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) {
    return null;
  }
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}

/**
 * How long a run has taken, in ms: from its first attempt's start to its
 * end (or to `now` while it is active); `null` before it started.
 */
export function runDuration(run: IJobRun, now: number): number | null {
  const start = parseTime(run.started_at);
  if (start === null) {
    return null;
  }
  const end =
    parseTime(run.finished_at) ?? (isActiveJobStatus(run.status) ? now : null);
  return end === null ? null : Math.max(0, end - start);
}

/**
 * The last segment of a path.
 */
export function baseName(path: string): string {
  return path.split('/').pop() || path;
}
