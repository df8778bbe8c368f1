import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  type IJobRunsListProps,
  JobRunsList
} from '../../../jobs/components/job-runs-list';
import { makeJobRun } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

function props(overrides: Partial<IJobRunsListProps> = {}): IJobRunsListProps {
  return {
    runs: [
      makeJobRun({
        id: 'jr-2',
        status: 'running',
        finished_at: null,
        progress: { cell: 7, total: 12 }
      }),
      makeJobRun({ id: 'jr-1', notebook: 'eval/score.ipynb' })
    ],
    total: 2,
    loaded: true,
    refreshing: false,
    error: null,
    notebook: null,
    notebooks: ['eval/score.ipynb', 'work/train.ipynb'],
    status: null,
    highlighted: null,
    pageIndex: 0,
    hasNextPage: false,
    hasPreviousPage: false,
    onNotebook: jest.fn(),
    onStatus: jest.fn(),
    onNextPage: jest.fn(),
    onPreviousPage: jest.fn(),
    onRefresh: jest.fn(),
    onOpen: jest.fn(),
    onStop: jest.fn(),
    onRerun: jest.fn(),
    onDelete: jest.fn(),
    trans,
    ...overrides
  };
}

function row(container: HTMLElement, runId: string): HTMLElement {
  return container.querySelector(
    `.jp-mlx-JobRunRow[data-run-id="${runId}"]`
  ) as HTMLElement;
}

describe('JobRunsList', () => {
  it('shows each run with its notebook, status and duration', () => {
    const { container } = render(<JobRunsList {...props()} />);

    const runs = screen.getByRole('list', { name: 'Job runs' });
    expect(runs.children).toHaveLength(2);
    expect(row(container, 'jr-2')).toHaveAttribute('data-status', 'running');
    expect(
      within(row(container, 'jr-2')).getByText(/cell 7 of 12/)
    ).toBeVisible();
    expect(
      within(row(container, 'jr-1')).getByRole('button', {
        name: 'score.ipynb'
      })
    ).toBeVisible();
    expect(within(row(container, 'jr-1')).getByText('1m 05s')).toBeVisible();
    expect(screen.getByText('2 runs')).toBeInTheDocument();
  });

  it('offers stop for active runs and delete for ended ones', () => {
    const p = props();
    const { container } = render(<JobRunsList {...p} />);

    const active = within(row(container, 'jr-2'));
    expect(active.queryByRole('button', { name: /Delete/ })).toBeNull();
    fireEvent.click(
      active.getByRole('button', { name: 'Stop run of train.ipynb' })
    );
    expect(p.onStop).toHaveBeenCalledWith(p.runs[0]);

    const ended = within(row(container, 'jr-1'));
    expect(ended.queryByRole('button', { name: /Stop/ })).toBeNull();
    fireEvent.click(
      ended.getByRole('button', { name: 'Delete run of score.ipynb' })
    );
    expect(p.onDelete).toHaveBeenCalledWith(p.runs[1]);

    fireEvent.click(ended.getByRole('button', { name: 'Re-run score.ipynb' }));
    expect(p.onRerun).toHaveBeenCalledWith(p.runs[1]);

    fireEvent.click(ended.getByRole('button', { name: 'score.ipynb' }));
    expect(p.onOpen).toHaveBeenCalledWith('jr-1');
  });

  it('filters by notebook and status', () => {
    const p = props();
    render(<JobRunsList {...p} />);

    fireEvent.change(
      screen.getByRole('combobox', { name: 'Filter by notebook' }),
      {
        target: { value: 'work/train.ipynb' }
      }
    );
    fireEvent.change(
      screen.getByRole('combobox', { name: 'Filter by status' }),
      {
        target: { value: 'timed_out' }
      }
    );
    fireEvent.change(
      screen.getByRole('combobox', { name: 'Filter by status' }),
      {
        target: { value: '' }
      }
    );

    expect(p.onNotebook).toHaveBeenCalledWith('work/train.ipynb');
    expect((p.onStatus as jest.Mock).mock.calls).toEqual([
      ['timed_out'],
      [null]
    ]);
    expect(
      screen.getByRole('option', { name: 'Timed out' })
    ).toBeInTheDocument();
  });

  it('pages', () => {
    const p = props({ hasNextPage: true, total: 60 });
    render(<JobRunsList {...p} />);

    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    expect(p.onNextPage).toHaveBeenCalled();
    expect(screen.getByText('Page 1')).toBeInTheDocument();
  });

  it('points out the highlighted run', () => {
    const { container } = render(
      <JobRunsList {...props({ highlighted: 'jr-1' })} />
    );

    expect(row(container, 'jr-1')).toHaveClass('jp-mod-highlighted');
    expect(row(container, 'jr-2')).not.toHaveClass('jp-mod-highlighted');
  });

  it('says how to start when there are no runs, or none matches', () => {
    const { rerender } = render(
      <JobRunsList {...props({ runs: [], total: 0 })} />
    );
    expect(screen.getByText(/No job runs yet/)).toBeInTheDocument();

    rerender(
      <JobRunsList {...props({ runs: [], total: 0, status: 'failed' })} />
    );
    expect(
      screen.getByText('No job run matches the filters.')
    ).toBeInTheDocument();
  });

  it("shows the server's message", () => {
    render(<JobRunsList {...props({ error: 'Job store unavailable' })} />);

    expect(screen.getByRole('alert')).toHaveTextContent(
      'Job store unavailable'
    );
  });
});
