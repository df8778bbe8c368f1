import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import type { ICompareRunsResponse } from '../../../api/types';
import { RunComparison } from '../../../experiments/components/run-comparison';
import {
  metricChartOption,
  parallelOption
} from '../../../shared/charts/options';
import { readChartColors } from '../../../shared/charts/theme';
import { makeRun } from '../../fixtures';

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
const colors = readChartColors();

const comparison: ICompareRunsResponse = {
  runs: [
    makeRun({
      run_id: 'a',
      run_name: 'run-a',
      params: { lr: '0.01', opt: 'adam' }
    }),
    makeRun({
      run_id: 'b',
      run_name: 'run-b',
      params: { lr: '0.05', opt: 'adam' }
    })
  ],
  metrics: [
    {
      key: 'loss',
      steps: [1, 2, 3],
      values: { a: [0.9, 0.5, 0.2], b: [0.8, null, 0.4] }
    },
    { key: 'accuracy', steps: [0], values: { a: [0.9], b: [0.8] } }
  ],
  params: [
    { key: 'lr', values: { a: '0.01', b: '0.05' }, differs: true },
    { key: 'opt', values: { a: 'adam', b: 'adam' }, differs: false }
  ]
};

function renderComparison(): void {
  render(
    <RunComparison
      comparison={comparison}
      error={null}
      refreshing={false}
      colors={colors}
      onOpenRun={jest.fn()}
      onRefresh={jest.fn()}
      trans={trans}
    />
  );
}

describe('RunComparison', () => {
  beforeEach(() => {
    drawn.length = 0;
  });

  it('charts each metric history and lists single values in a table', () => {
    renderComparison();

    expect(
      screen.getByRole('img', { name: 'History of metric loss' })
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('img', { name: 'History of metric accuracy' })
    ).not.toBeInTheDocument();
    const finals = screen.getByRole('table', {
      name: 'Final metrics of the compared runs'
    });
    expect(within(finals).getByText('accuracy')).toBeInTheDocument();
  });

  it('shows the params that differ, and all of them on request', () => {
    renderComparison();
    const table = screen.getByRole('table', {
      name: 'Parameters of the compared runs'
    });
    expect(within(table).getByText('lr')).toBeInTheDocument();
    expect(within(table).queryByText('opt')).not.toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Show all parameters' })
    );

    expect(within(table).getByText('opt')).toBeInTheDocument();
  });

  it('draws the varied params against every final metric, or the chosen one', () => {
    // Given runs that differ on lr and logged loss and accuracy
    renderComparison();

    // Then parallel coordinates draw lr and both metrics, one line per run
    expect(
      screen.getByRole('img', {
        name: 'Parallel coordinates of the varied parameters and the final metrics'
      })
    ).toBeInTheDocument();
    const all = drawn.find(
      option => (option as { parallelAxis?: unknown }).parallelAxis
    ) as { parallelAxis: { name: string }[]; series: { name: string }[] };
    expect(all.parallelAxis.map(axis => axis.name)).toEqual([
      'lr',
      'accuracy',
      'loss'
    ]);
    expect(all.series.map(series => series.name)).toEqual(['run-a', 'run-b']);

    // When one metric is chosen, the chart draws it alone
    fireEvent.change(screen.getByRole('combobox', { name: 'Metric' }), {
      target: { value: 'loss' }
    });
    expect(
      screen.getByRole('img', {
        name: 'Parallel coordinates of the parameters against loss'
      })
    ).toBeInTheDocument();
  });
});

describe('chart options', () => {
  it('draws one line per run, skipping missing steps', () => {
    const option = metricChartOption(
      comparison.metrics[0],
      [
        { id: 'a', name: 'run-a' },
        { id: 'b', name: 'run-b' }
      ],
      colors,
      'step'
    ) as { series: { name: string; data: unknown[] }[] };

    expect(option.series.map(series => series.name)).toEqual([
      'run-a',
      'run-b'
    ]);
    expect(option.series[1].data).toEqual([
      [1, 0.8],
      [3, 0.4]
    ]);
  });

  it('puts numeric params on value axes and others on category axes', () => {
    const option = parallelOption(
      comparison.runs,
      ['lr', 'opt'],
      ['loss'],
      colors,
      '(none)'
    ) as {
      parallelAxis: { name: string; type: string }[];
      series: { data: unknown[][] }[];
    };

    expect(option.parallelAxis.map(axis => [axis.name, axis.type])).toEqual([
      ['lr', 'value'],
      ['opt', 'category'],
      ['loss', 'value']
    ]);
    expect(option.series[0].data[0]).toEqual([0.01, 'adam', 0.25]);
  });
});
