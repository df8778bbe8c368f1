import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import type { IJobRunError } from '../../../api/types';
import {
  type IJobRunDetailsProps,
  JobRunDetails
} from '../../../jobs/components/job-run-details';
import { makeJobAttempt, makeJobRun } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

const ERROR: IJobRunError = {
  message: 'Cell 4 raised ValueError',
  cell_index: 4,
  cell_id: 'c4',
  execution_count: 3,
  ename: 'ValueError',
  evalue: 'learning rate must be positive',
  traceback: [
    'Traceback (most recent call last):',
    '  File "<cell 4>", line 2',
    'ValueError: learning rate must be positive'
  ]
};

function props(
  overrides: Partial<IJobRunDetailsProps> = {}
): IJobRunDetailsProps {
  return {
    run: makeJobRun(),
    log: 'epoch 1\nepoch 2\n',
    logComplete: true,
    logTruncated: false,
    error: null,
    refreshing: false,
    canOpenMLflowRun: true,
    downloadUrl: 'http://localhost/mlx/api/job-runs/jr-1/output?format=ipynb',
    onOpenNotebook: jest.fn(),
    onOpenOutput: jest.fn(),
    onOpenMLflowRun: jest.fn(),
    onOpenSweep: jest.fn(),
    onStop: jest.fn(),
    onRerun: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
}

describe('JobRunDetails', () => {
  it('shows the notebook, status, parameters and attempts', () => {
    const run = makeJobRun({
      parameters: { epochs: 10, optimizer: 'sgd' },
      attempts: [
        makeJobAttempt({ number: 1, status: 'failed', warm_kernel: false }),
        makeJobAttempt({ number: 2, status: 'succeeded', warm_kernel: true })
      ]
    });
    render(<JobRunDetails {...props({ run })} />);

    expect(screen.getByRole('heading', { name: 'train.ipynb' })).toBeVisible();
    const parameters = screen.getByRole('table', { name: 'Parameters' });
    expect(within(parameters).getByText('"sgd"')).toBeVisible();
    expect(within(parameters).getByText('10')).toBeVisible();
    const attempts = screen.getByRole('table', { name: 'Attempts' });
    expect(within(attempts).getAllByRole('row')).toHaveLength(3);
    expect(within(attempts).getByText('python3 (started ahead)')).toBeVisible();
    expect(within(attempts).getByText('Failed')).toBeVisible();
  });

  it('says what started a run, and opens the sweep of a trial', () => {
    const onOpenSweep = jest.fn();
    const run = makeJobRun({
      trigger: 'sweep',
      sweep_id: 'sw-1'
    });
    render(<JobRunDetails {...props({ run, onOpenSweep })} />);

    expect(screen.getByText('Sweep trial')).toBeVisible();
    fireEvent.click(screen.getByRole('button', { name: 'Open sweep' }));
    expect(onOpenSweep).toHaveBeenCalledWith('sw-1');
    expect(screen.queryByText('Webhook')).not.toBeInTheDocument();
  });

  it('shows the instant a scheduled run fired for and its webhook', () => {
    const at = '2024-05-01T10:02:00Z';
    const run = makeJobRun({
      trigger: 'schedule',
      scheduled_for: '2024-05-01T10:00:00Z',
      webhook: {
        url: 'https://hooks.example/x',
        event: 'failure',
        delivered: false,
        status_code: 500,
        error: null,
        at
      }
    });
    render(<JobRunDetails {...props({ run })} />);

    expect(screen.getByText(/^Schedule, for /)).toBeVisible();
    expect(
      screen.getByText(
        'Could not tell https://hooks.example/x of its failure: HTTP 500'
      )
    ).toBeVisible();
  });

  it('shows the log', () => {
    const { container } = render(<JobRunDetails {...props()} />);

    const log = container.querySelector('.jp-mlx-JobLog');
    expect(log).toHaveTextContent('epoch 1 epoch 2');
    expect(log).toHaveAttribute('data-complete', 'true');
  });

  it('summarizes the error of a failed run and opens the output at its cell', () => {
    const p = props({ run: makeJobRun({ status: 'failed', error: ERROR }) });
    render(<JobRunDetails {...p} />);

    const summary = screen.getByRole('region', { name: 'Error' });
    expect(summary).toHaveTextContent('Cell 4 raised ValueError');
    expect(summary).toHaveTextContent(
      'At cell index 4 of the output notebook (execution count 3)'
    );
    expect(summary).toHaveTextContent(
      'ValueError: learning rate must be positive'
    );
    expect(within(summary).getByLabelText('Traceback')).toHaveTextContent(
      'File "<cell 4>", line 2'
    );

    fireEvent.click(
      within(summary).getByRole('button', {
        name: 'Open output at failing cell'
      })
    );
    expect(p.onOpenOutput).toHaveBeenCalledWith(4);
  });

  it('opens the MLflow run, the output and its download', () => {
    const p = props();
    render(<JobRunDetails {...p} />);

    fireEvent.click(
      screen.getByRole('button', { name: 'Open in Experiments' })
    );
    expect(p.onOpenMLflowRun).toHaveBeenCalledWith('run-1');
    fireEvent.click(screen.getByRole('button', { name: 'Open output' }));
    expect(p.onOpenOutput).toHaveBeenCalledWith(null);
    expect(
      screen.getByRole('link', { name: 'Download .ipynb' })
    ).toHaveAttribute(
      'href',
      'http://localhost/mlx/api/job-runs/jr-1/output?format=ipynb'
    );
  });

  it('offers stop while active, and re-run always', () => {
    const p = props({
      run: makeJobRun({
        status: 'running',
        finished_at: null,
        output_path: null
      })
    });
    render(<JobRunDetails {...p} />);

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Re-run' }));

    expect(p.onStop).toHaveBeenCalled();
    expect(p.onRerun).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Open output' })).toBeNull();
    expect(screen.getByText('written when the run ends')).toBeVisible();
  });

  it('says when no MLflow run was tracked', () => {
    render(
      <JobRunDetails {...props({ run: makeJobRun({ mlflow_run_id: null }) })} />
    );

    expect(screen.getByText('not tracked yet')).toBeVisible();
  });

  it("shows the server's message before the run arrives", () => {
    render(
      <JobRunDetails {...props({ run: null, error: "No job run 'jr-1'" })} />
    );

    expect(screen.getByRole('alert')).toHaveTextContent("No job run 'jr-1'");
  });
});

describe('JobRunDetails of a run on an environment', () => {
  it('shows the environment, the first digits of its lock and the inputs', () => {
    const lock = '0123456789abcdef'.repeat(4);
    const run = makeJobRun({
      kernel: 'mlx-train',
      environment: 'train',
      environment_lock_sha256: lock,
      inputs: ['data/train.csv', 'data/images'],
      trigger: 'reproduce'
    });

    render(<JobRunDetails {...props({ run })} />);

    expect(screen.getByText('train')).toBeVisible();
    const short = screen.getByText('0123456789ab');
    expect(short).toHaveAttribute('title', lock);
    expect(screen.getByLabelText(`Lock sha256 ${lock}`)).toBeVisible();
    const inputs = screen.getByRole('list', { name: 'Inputs' });
    expect(within(inputs).getAllByRole('listitem')).toHaveLength(2);
    expect(within(inputs).getByText('data/images')).toBeVisible();
    expect(screen.getByText('Reproduction')).toBeVisible();
  });

  it('shows neither for a run on a kernel without inputs', () => {
    render(<JobRunDetails {...props()} />);

    expect(screen.queryByText('Environment')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Inputs' })
    ).not.toBeInTheDocument();
  });
});
