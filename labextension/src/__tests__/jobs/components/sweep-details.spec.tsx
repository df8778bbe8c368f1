import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  type ISweepDetailsProps,
  SweepDetails
} from '../../../jobs/components/sweep-details';
import { makeSweep } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

function props(
  overrides: Partial<ISweepDetailsProps> = {}
): ISweepDetailsProps {
  return {
    sweep: makeSweep(),
    error: null,
    refreshing: false,
    comparable: 2,
    onOpenRun: jest.fn(),
    onCompare: jest.fn(),
    onStop: jest.fn(),
    onDelete: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
}

describe('SweepDetails', () => {
  it('shows its progress, strategy, metric and best trial', () => {
    render(<SweepDetails {...props()} />);

    expect(
      screen.getByRole('heading', { name: 'train lr sweep' })
    ).toBeVisible();
    const progress = screen.getByRole('progressbar', {
      name: 'Sweep progress'
    });
    expect(progress).toHaveAttribute('value', '1');
    expect(progress).toHaveAttribute('max', '2');
    expect(screen.getByText('1 of 2')).toBeVisible();
    expect(screen.getByText('Grid (every combination)')).toBeVisible();
    expect(screen.getByText('loss (Minimize)')).toBeVisible();
    expect(
      screen.getByText('Trial 0: best loss (min): 0.25 with lr=0.01')
    ).toBeVisible();
  });

  it('lists its trials, each opening its run', () => {
    const onOpenRun = jest.fn();
    render(<SweepDetails {...props({ onOpenRun })} />);

    const trials = screen.getByRole('table', { name: 'Trials' });
    const rows = within(trials).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('lr=0.01')).toBeVisible();
    expect(within(rows[1]).getByText('0.25')).toBeVisible();
    expect(within(rows[2]).getByText('Running')).toBeVisible();
    fireEvent.click(
      screen.getByRole('button', { name: 'Open the run of trial 1' })
    );
    expect(onOpenRun).toHaveBeenCalledWith('jr-t1');
  });

  it('stops a running sweep, deletes an ended one, compares the trials', () => {
    const onStop = jest.fn();
    const onCompare = jest.fn();
    const { rerender } = render(
      <SweepDetails {...props({ onStop, onCompare })} />
    );

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Compare trials' }));
    expect(onStop).toHaveBeenCalled();
    expect(onCompare).toHaveBeenCalled();

    rerender(
      <SweepDetails
        {...props({
          sweep: makeSweep({ status: 'stopped' }),
          comparable: 1
        })}
      />
    );
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Compare trials' })
    ).toBeDisabled();
  });

  it("shows the server's message before the sweep arrives", () => {
    render(<SweepDetails {...props({ sweep: null, error: 'No sweep' })} />);

    expect(screen.getByRole('alert')).toHaveTextContent('No sweep');
  });
});
