import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import {
  type IRunsListProps,
  RunsList,
  decodeOrder,
  encodeOrder
} from '../../../experiments/components/runs-list';
import { formatMetric } from '../../../experiments/components/run-status';
import { formatDuration } from '../../../shared/time';
import { NEWEST_FIRST } from '../../../experiments/state/experiments';
import { makeRun } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

function props(overrides: Partial<IRunsListProps> = {}): IRunsListProps {
  return {
    notebook: 'work/train.ipynb',
    runs: [
      makeRun(),
      makeRun({
        run_id: 'run-2',
        run_name: 'calm-fox-2',
        status: 'RUNNING',
        end_time: null
      })
    ],
    loaded: true,
    refreshing: false,
    error: null,
    filter: '',
    filterError: null,
    order: NEWEST_FIRST,
    metricKeys: ['accuracy', 'loss'],
    pageIndex: 0,
    hasNextPage: false,
    hasPreviousPage: false,
    selected: [],
    onFilter: jest.fn(),
    onOrder: jest.fn(),
    onNextPage: jest.fn(),
    onPreviousPage: jest.fn(),
    onSelect: jest.fn(),
    onCompare: jest.fn(),
    onOpen: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
}

describe('RunsList', () => {
  it('says to open a notebook when none is open', () => {
    render(<RunsList {...props({ notebook: null })} />);

    expect(
      screen.getByText('Open a notebook to see its runs.')
    ).toBeInTheDocument();
    expect(screen.queryByRole('search')).not.toBeInTheDocument();
  });

  it('shows each run with its status, duration and metrics', () => {
    render(<RunsList {...props()} />);

    const runs = screen.getByRole('list', { name: 'Runs' });
    expect(runs.children).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'brave-owl-1' })).toBeVisible();
    expect(screen.getByRole('img', { name: 'Finished' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Running' })).toBeInTheDocument();
    expect(screen.getByText('1m 05s')).toBeInTheDocument();
    expect(screen.getAllByText('loss')[0]).toBeInTheDocument();
    expect(screen.getAllByText('0.25', { exact: false })[0]).toBeVisible();
  });

  it('opens a run when its name is clicked', () => {
    const onOpen = jest.fn();
    render(<RunsList {...props({ onOpen })} />);

    fireEvent.click(screen.getByRole('button', { name: 'calm-fox-2' }));

    expect(onOpen).toHaveBeenCalledWith('run-2');
  });

  it('applies the search filter on Enter and shows the server message', () => {
    const onFilter = jest.fn();
    const { rerender } = render(<RunsList {...props({ onFilter })} />);

    const search = screen.getByRole('searchbox', { name: 'Search runs' });
    fireEvent.change(search, { target: { value: 'metrics.loss <' } });
    fireEvent.submit(search);
    expect(onFilter).toHaveBeenCalledWith('metrics.loss <');

    rerender(
      <RunsList
        {...props({
          onFilter,
          filter: 'metrics.loss <',
          filterError: "Invalid filter 'metrics.loss <'",
          runs: []
        })}
      />
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      "Invalid filter 'metrics.loss <'"
    );
    expect(
      screen.getByRole('searchbox', { name: 'Search runs' })
    ).toHaveAccessibleDescription("Invalid filter 'metrics.loss <'");
  });

  it('selects runs and compares them once two are selected', () => {
    const onSelect = jest.fn();
    const onCompare = jest.fn();
    const { rerender } = render(
      <RunsList {...props({ onSelect, onCompare, selected: ['run-1'] })} />
    );
    const compare = screen.getByRole('button', { name: /^Compare/ });
    expect(compare).toBeDisabled();

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select run calm-fox-2' })
    );
    expect(onSelect).toHaveBeenCalledWith('run-2', true);

    rerender(
      <RunsList
        {...props({ onSelect, onCompare, selected: ['run-1', 'run-2'] })}
      />
    );
    fireEvent.click(screen.getByRole('button', { name: /^Compare/ }));
    expect(onCompare).toHaveBeenCalled();
  });

  it('sorts by a metric and pages', () => {
    const onOrder = jest.fn();
    const onNextPage = jest.fn();
    render(<RunsList {...props({ onOrder, onNextPage, hasNextPage: true })} />);

    fireEvent.change(screen.getByRole('combobox', { name: 'Sort runs' }), {
      target: { value: 'metric:asc:loss' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    expect(onOrder).toHaveBeenCalledWith({
      by: 'metric',
      key: 'loss',
      ascending: true
    });
    expect(onNextPage).toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
  });

  it('shows an unreachable tracking store', () => {
    render(
      <RunsList
        {...props({
          error: 'The tracking store http://mlflow:5000 is unreachable.'
        })}
      />
    );

    expect(screen.getByRole('alert')).toHaveTextContent('http://mlflow:5000');
  });
});

describe('formatting', () => {
  it('encodes and decodes sort orders', () => {
    for (const order of [
      NEWEST_FIRST,
      { by: 'start_time' as const, ascending: true },
      { by: 'metric' as const, key: 'val:loss', ascending: false }
    ]) {
      expect(decodeOrder(encodeOrder(order))).toEqual(order);
    }
  });

  it('formats durations and metric values', () => {
    expect(formatDuration(400)).toBe('0.4s');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(3)).toBe('3');
    expect(formatMetric(null)).toBe('–');
  });
});
