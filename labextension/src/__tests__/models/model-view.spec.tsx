import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, within } from '@testing-library/react';

import { ModelView } from '../../models/widgets/model-view';
import { makeAPIError, makeClient } from '../fixtures';
import { makeDescribeModel, makeModelVersion } from './registry-fixtures';

// Canvas drawing is not available in jsdom: charts record their options.
const drawn: unknown[] = [];
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: (option: unknown) => drawn.push(option),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

/**
 * A bar series as the chart draws it.
 */
interface IBarSeries {
  type: string;
  name: string;
  data: (number | null)[];
  label: { show: boolean; formatter: string };
}

/**
 * The option the chart was last drawn with.
 */
function lastChart(): {
  xAxis: { data: string[] };
  series: IBarSeries[];
} {
  return drawn[drawn.length - 1] as ReturnType<typeof lastChart>;
}

describe('ModelView', () => {
  let client: ReturnType<typeof makeClient>;
  let commands: CommandRegistry;
  let opened: ReadonlyPartialJSONObject[];
  let view: ModelView;

  beforeEach(() => {
    drawn.length = 0;
    client = makeClient();
    client.getModel.mockResolvedValue(makeDescribeModel());
    commands = new CommandRegistry();
    opened = [];
    commands.addCommand('mlx:open-run', {
      describedBy: { args: { type: 'object' } },
      execute: args => {
        opened.push(args);
      }
    });
  });

  afterEach(() => {
    act(() => view.dispose());
  });

  /**
   * Open the view of `wine` and wait for its first read.
   */
  async function openView(): Promise<ReturnType<typeof within>> {
    view = new ModelView({ client, name: 'wine', commands, trans });
    await act(async () => {
      Widget.attach(view, document.body);
      await view.state.refresh();
    });
    return within(view.node);
  }

  it('is named after its model', async () => {
    await openView();

    expect(view.id).toBe('mlx-model-wine');
    expect(view.title.label).toBe('Model wine');
    expect(client.getModel).toHaveBeenCalledWith('wine');
  });

  it("charts the versions' key metrics, one group per metric and one bar per version", async () => {
    const node = await openView();

    expect(
      node.getByRole('img', { name: 'Metrics of the versions of wine' })
    ).toBeInTheDocument();
    const chart = lastChart();
    expect(chart.xAxis.data).toEqual(['val_accuracy', 'loss', 'epochs']);
    // Oldest version first; the alias holders named and marked.
    expect(chart.series.map(series => series.name)).toEqual([
      'v1',
      'v2 @challenger',
      'v3 @champion'
    ]);
    expect(chart.series.map(series => series.type)).toEqual([
      'bar',
      'bar',
      'bar'
    ]);
    expect(chart.series[2].data).toEqual([0.95, 0.2, 10]);
    expect(chart.series[0].data).toEqual([0.9, 0.3, null]);
    expect(chart.series[2].label).toMatchObject({
      show: true,
      formatter: '@champion'
    });
    expect(chart.series[0].label.show).toBe(false);
  });

  it('compares the versions on the metrics picked, in the chart and the table', async () => {
    const node = await openView();
    const picker = within(
      node.getByRole('group', { name: 'Metrics compared' })
    );

    expect(picker.getByRole('checkbox', { name: 'loss' })).toBeChecked();
    act(() => {
      fireEvent.click(picker.getByRole('checkbox', { name: 'loss' }));
      fireEvent.click(picker.getByRole('checkbox', { name: 'epochs' }));
    });

    expect(lastChart().xAxis.data).toEqual(['val_accuracy']);
    const table = within(
      node.getByRole('table', { name: 'Versions of wine by metric' })
    );
    expect(
      table.getAllByRole('columnheader').map(header => header.textContent)
    ).toEqual(['Version', 'Run', 'val_accuracy']);
    const champion = within(table.getByRole('row', { name: /v3 @champion/ }));
    expect(champion.getByRole('cell', { name: '0.95' })).toBeInTheDocument();

    fireEvent.click(champion.getByRole('button', { name: 'calm-fox-3' }));
    expect(opened).toEqual([{ run_id: 'run-3' }]);
  });

  it('reads the model again on Refresh, and shows what failed', async () => {
    const node = await openView();
    client.getModel.mockResolvedValue(
      makeDescribeModel({
        versions: [
          makeModelVersion({ version: '4', aliases: ['champion'] }),
          ...makeDescribeModel().versions
        ]
      })
    );

    await act(async () => {
      fireEvent.click(node.getByRole('button', { name: 'Refresh model wine' }));
      await view.state.refresh();
    });
    expect(node.getByRole('row', { name: /v4 @champion/ })).toBeInTheDocument();

    client.getModel.mockRejectedValue(
      makeAPIError(404, "Registered model 'wine' not found")
    );
    await act(async () => {
      await view.state.refresh();
    });
    expect(node.getByRole('alert')).toHaveTextContent(
      "Registered model 'wine' not found"
    );
  });

  it('says when the runs logged no metrics', async () => {
    client.getModel.mockResolvedValue(
      makeDescribeModel({
        versions: [makeModelVersion({ metrics: {} })],
        gates: { metrics: [], smoke: false }
      })
    );

    const node = await openView();

    expect(
      node.getByText(
        'The runs of the versions of wine logged no metrics to compare.'
      )
    ).toBeInTheDocument();
    expect(node.queryByRole('img')).toBeNull();
  });
});
