import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  type IJobDefinitionDetailsProps,
  JobDefinitionDetails
} from '../../../jobs/components/job-definition-details';
import { readChartColors } from '../../../shared/charts/theme';
import { makeJobDefinition, makeJobRun, makeRun } from '../../fixtures';

// Canvas drawing is not available in jsdom: charts record their options.
const drawn: unknown[] = [];
jest.mock('../../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: (option: unknown) => drawn.push(option),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

function props(
  overrides: Partial<IJobDefinitionDetailsProps> = {}
): IJobDefinitionDetailsProps {
  return {
    definition: makeJobDefinition({
      webhook_url: 'https://hooks.example/x',
      skipped_fires: 2
    }),
    recentRuns: [
      makeJobRun({ id: 'jr-1', status: 'failed', mlflow_run_id: 'run-1' }),
      makeJobRun({ id: 'jr-2', mlflow_run_id: 'run-2' })
    ],
    comparison: {
      runs: [
        makeRun({ run_id: 'run-1', metrics: { loss: 0.5, acc: 0.7 } }),
        makeRun({ run_id: 'run-2', metrics: { loss: 0.3, acc: 0.8 } })
      ],
      metrics: [],
      params: []
    },
    comparisonError: null,
    error: null,
    refreshing: false,
    colors: readChartColors(),
    runsTable: <p>runs table</p>,
    onOpenNotebook: jest.fn(),
    onOpenRun: jest.fn(),
    onTrigger: jest.fn(),
    onPause: jest.fn(),
    onResume: jest.fn(),
    onEdit: jest.fn(),
    onUpdateFromNotebook: jest.fn(),
    onDelete: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
}

describe('JobDefinitionDetails', () => {
  beforeEach(() => {
    drawn.length = 0;
  });

  it('shows its schedule and settings', () => {
    render(<JobDefinitionDetails {...props()} />);

    expect(screen.getByRole('heading', { name: 'nightly' })).toBeVisible();
    expect(screen.getByText('Active')).toBeVisible();
    expect(screen.getByText('At 02:00 AM')).toBeVisible();
    expect(screen.getByText('0 2 * * *')).toBeVisible();
    expect(screen.getByText('Europe/Paris')).toBeVisible();
    expect(screen.getByText('Run the latest missed run')).toBeVisible();
    expect(screen.getByText('https://hooks.example/x (failure)')).toBeVisible();
    const parameters = screen.getByRole('table', { name: 'Parameters' });
    expect(within(parameters).getByText('10')).toBeVisible();
    expect(screen.getByText('runs table')).toBeVisible();
  });

  it('opens a run from the strip of its recent runs', () => {
    const onOpenRun = jest.fn();
    render(<JobDefinitionDetails {...props({ onOpenRun })} />);

    const strip = screen.getByRole('list', { name: 'Runs of nightly' });
    const cells = within(strip).getAllByRole('button');
    expect(cells).toHaveLength(2);
    expect(cells[0]).toHaveAccessibleName(/^Failed · .* · Manual$/);
    fireEvent.click(cells[0]);

    expect(onOpenRun).toHaveBeenCalledWith('jr-1');
  });

  it('charts a metric over its runs, the metric picked', () => {
    render(<JobDefinitionDetails {...props()} />);

    expect(
      screen.getByRole('img', { name: 'acc over the runs of this schedule' })
    ).toBeInTheDocument();
    fireEvent.change(screen.getByRole('combobox', { name: 'Metric' }), {
      target: { value: 'loss' }
    });

    const option = drawn[drawn.length - 1] as {
      series: { data: (number | null)[] }[];
    };
    expect(option.series[0].data).toEqual([0.5, 0.3]);
  });

  it('says when there is nothing to chart, and why the metrics are missing', () => {
    render(
      <JobDefinitionDetails
        {...props({
          comparison: null,
          comparisonError: 'The tracking server cannot be reached'
        })}
      />
    );

    expect(screen.getByRole('alert')).toHaveTextContent(
      'Cannot read the metrics: The tracking server cannot be reached'
    );
    expect(
      screen.getByText(/Shown once two ended runs have logged a metric/)
    ).toBeVisible();
  });

  it('offers resume when paused, and points out a changed notebook', () => {
    const onResume = jest.fn();
    render(
      <JobDefinitionDetails
        {...props({
          definition: makeJobDefinition({
            active: false,
            next_fire_at: null,
            notebook_changed: true
          }),
          onResume
        })}
      />
    );

    expect(screen.getByText('Paused')).toBeVisible();
    expect(screen.getByText('not firing while paused')).toBeVisible();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(onResume).toHaveBeenCalled();
    expect(
      screen.getByRole('button', { name: 'Update from notebook' })
    ).toHaveClass('jp-mod-attention');
    expect(
      screen.getByText(/changed since this schedule copied it/)
    ).toBeVisible();
  });
});

describe('JobDefinitionDetails on an environment', () => {
  it('shows the environment, whether it installs first, and the inputs', () => {
    const definition = makeJobDefinition({
      kernel: 'mlx-train',
      environment: 'train',
      install_environment: true,
      inputs: ['data/train.csv']
    });

    render(<JobDefinitionDetails {...props({ definition })} />);

    expect(
      screen.getByText(
        'train (installed from its lock first when it is not installed)'
      )
    ).toBeVisible();
    const inputs = screen.getByRole('list', { name: 'Inputs' });
    expect(within(inputs).getByText('data/train.csv')).toBeVisible();
  });
});
