import { nullTranslator } from '@jupyterlab/translation';
import { render, screen } from '@testing-library/react';
import React from 'react';

import {
  JobDuration,
  JobStatusBadge,
  jobStatusDetail
} from '../../../jobs/components/job-status';
import { makeJobAttempt, makeJobRun } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');
const NOW = Date.parse('2024-05-01T10:00:42Z');

function running(overrides = {}) {
  return makeJobRun({
    status: 'running',
    finished_at: null,
    started_at: '2024-05-01T10:00:05Z',
    attempts: [
      makeJobAttempt({
        status: 'running',
        started_at: '2024-05-01T10:00:30Z',
        finished_at: null
      })
    ],
    progress: { cell: 7, total: 12 },
    ...overrides
  });
}

describe('jobStatusDetail', () => {
  it('tells how long the attempt has run and which cell executes', () => {
    expect(jobStatusDetail(running(), NOW, trans)).toBe('12s · cell 7 of 12');
  });

  it('tells the attempt of a retry', () => {
    expect(
      jobStatusDetail(running({ attempt: 2, retries: 3 }), NOW, trans)
    ).toBe('12s · cell 7 of 12 · attempt 2 of 4');
  });

  it('tells when a queued retry is due', () => {
    const retry = makeJobRun({
      status: 'queued',
      attempt: 1,
      finished_at: null,
      next_attempt_at: '2024-05-01T10:00:50Z'
    });

    expect(jobStatusDetail(retry, NOW, trans)).toBe('retry 1 in 8s');
    expect(
      jobStatusDetail(retry, Date.parse('2024-05-01T10:01:00Z'), trans)
    ).toBe('retry 1 due');
  });

  it('says nothing more for a run waiting its first turn, or ended', () => {
    expect(
      jobStatusDetail(makeJobRun({ status: 'queued', attempt: 0 }), NOW, trans)
    ).toBe('');
    expect(jobStatusDetail(makeJobRun(), NOW, trans)).toBe('');
  });
});

describe('JobStatusBadge', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows the status with its progress, as data-status', () => {
    const { container } = render(
      <JobStatusBadge run={running()} trans={trans} />
    );

    const badge = container.querySelector('.jp-mlx-JobStatus');
    expect(badge).toHaveAttribute('data-status', 'running');
    expect(badge).toHaveClass('jp-mod-running');
    expect(screen.getByText('Running')).toBeInTheDocument();
    expect(badge).toHaveTextContent('cell 7 of 12');
  });

  it.each([
    ['succeeded', 'Succeeded'],
    ['failed', 'Failed'],
    ['stopped', 'Stopped'],
    ['timed_out', 'Timed out'],
    ['interrupted', 'Interrupted']
  ] as const)('names a %s run', (status, label) => {
    const { container } = render(
      <JobStatusBadge run={makeJobRun({ status })} trans={trans} />
    );

    expect(container.querySelector('.jp-mlx-JobStatus')).toHaveTextContent(
      label
    );
  });

  it('shows how long an ended run took', () => {
    render(<JobDuration run={makeJobRun()} />);

    expect(screen.getByText('1m 05s')).toBeInTheDocument();
  });
});
