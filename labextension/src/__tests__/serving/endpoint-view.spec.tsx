import { Clipboard, Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, waitFor, within } from '@testing-library/react';

import { EndpointView } from '../../serving/widgets/endpoint-view';
import { makeAPIError, makeClient } from '../fixtures';
import {
  makeBucket,
  makeDrift,
  makeEndpoint,
  makeEndpointVersion,
  makeInvocation,
  makeRecord
} from './endpoint-fixtures';

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
 * A series as the charts draw it.
 */
interface ISeries {
  type: string;
  name: string;
  data: unknown[];
}

/**
 * The options drawn whose title is `title`, the last one.
 */
function chartTitled(title: string): { series: ISeries[] } {
  const found = drawn.filter(
    option => (option as { title?: { text?: string } }).title?.text === title
  );
  return found[found.length - 1] as { series: ISeries[] };
}

describe('EndpointView', () => {
  let client: ReturnType<typeof makeClient>;
  let commands: CommandRegistry;
  let executed: [string, ReadonlyPartialJSONObject][];
  let view: EndpointView;
  const now = Math.floor(Date.now() / 1000);

  beforeEach(() => {
    drawn.length = 0;
    client = makeClient();
    client.getEndpoint.mockResolvedValue(
      makeEndpoint({
        canary: { model_uri: 'models:/churn/4', percent: 10 },
        versions: [
          makeEndpointVersion(),
          makeEndpointVersion({
            role: 'canary',
            model_uri: 'models:/churn/4',
            version: '4',
            requests: 12,
            p50_ms: 1.5,
            p99_ms: 6
          })
        ]
      })
    );
    client.getEndpointMetrics.mockResolvedValue({
      interval_s: 1,
      buckets: [
        makeBucket(now - 3, { versions: { '3': 27, '4': 3 } }),
        makeBucket(now - 1, { requests: 10, errors: 1, versions: { '3': 10 } })
      ]
    });
    client.getEndpointLog.mockResolvedValue({
      records: [makeRecord(), makeRecord({ status: 400, version: '4' })]
    });
    client.getEndpointDrift.mockResolvedValue(makeDrift());
    commands = new CommandRegistry();
    executed = [];
    for (const id of [
      'mlx:restart-endpoint',
      'mlx:stop-endpoint',
      'mlx:delete-endpoint'
    ]) {
      commands.addCommand(id, {
        describedBy: { args: { type: 'object' } },
        execute: args => {
          executed.push([id, args]);
        }
      });
    }
    jest.spyOn(Notification, 'info').mockReturnValue('n');
  });

  afterEach(() => {
    act(() => view.dispose());
    jest.restoreAllMocks();
  });

  /**
   * Open the view of `churn` and wait for its first read.
   */
  async function openView(): Promise<ReturnType<typeof within>> {
    view = new EndpointView({ client, name: 'churn', commands, trans });
    await act(async () => {
      Widget.attach(view, document.body);
      await view.state.refresh();
    });
    return within(view.node);
  }

  it('is named after its endpoint', async () => {
    await openView();

    expect(view.id).toBe('mlx-endpoint-churn');
    expect(view.title.label).toBe('Endpoint churn');
  });

  it('shows the state, the model and each version with its traffic', async () => {
    const ui = await openView();

    expect(ui.getByRole('heading', { name: 'Endpoint churn' })).toBeTruthy();
    expect(ui.getByTitle('Running: serving requests.').textContent).toBe(
      'Running'
    );
    expect(ui.getByText('models:/churn@champion')).toBeTruthy();
    const rows = within(
      ui.getByRole('table', { name: 'Versions served' })
    ).getAllByRole('row');
    expect(rows.map(row => row.textContent)).toEqual([
      'RoleVersionModelRequestsErrorsp50p99',
      'primary3models:/churn/312011.20 ms4.00 ms',
      'canary (10%)4models:/churn/41211.50 ms6.00 ms'
    ]);
  });

  it('charts requests per second, latency and the per-version split', async () => {
    const ui = await openView();

    const traffic = chartTitled('Requests per second');
    expect(traffic.series.map(series => series.name)).toEqual([
      'requests',
      'errors'
    ]);
    // The second without requests between the two counts zero.
    expect(traffic.series[0].data).toEqual([
      [(now - 3) * 1000, 30],
      [(now - 2) * 1000, 0],
      [(now - 1) * 1000, 10]
    ]);
    expect(
      chartTitled('Latency (ms)').series.map(series => series.name)
    ).toEqual(['p50', 'p95', 'p99']);
    expect(
      chartTitled('Requests per version').series.map(series => series.name)
    ).toEqual(['v3', 'v4']);
    expect(
      ui.getByRole('figure', { name: 'Requests per second' }).textContent
    ).toContain('40 requests in the last 15 minutes, 1 errors');
    expect(
      ui.getByRole('figure', { name: 'Requests per version' }).textContent
    ).toContain('v3: 93%, v4: 8%');
  });

  it('charts the drift against its threshold and names the drifted features', async () => {
    const ui = await openView();

    const drift = chartTitled('Population stability index per feature');
    expect(drift.series.map(series => series.type)).toEqual(['bar', 'line']);
    expect(drift.series[1].data).toEqual([0.2, 0.2]);
    expect(ui.getByText(/^Drifted/).textContent).toContain(
      'Drifted (PSI above 0.2): f1'
    );
  });

  it('lists the latest requests', async () => {
    const ui = await openView();

    const rows = within(
      ui.getByRole('table', { name: 'Latest requests' })
    ).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[2].className).toBe('jp-mod-error');
  });

  it('sends the prefilled example from Try it and shows the answer and its latency', async () => {
    client.invokeEndpoint.mockResolvedValue(makeInvocation());
    const ui = await openView();
    const tryIt = within(ui.getByRole('region', { name: 'Try it' }));
    const request = tryIt.getByLabelText(
      'Request (JSON)'
    ) as HTMLTextAreaElement;
    expect(JSON.parse(request.value)).toEqual({ inputs: [[0.1, 0.2]] });

    await act(async () => {
      fireEvent.click(tryIt.getByRole('button', { name: 'Send' }));
    });

    expect(client.invokeEndpoint).toHaveBeenCalledWith('churn', request.value);
    const answer = within(tryIt.getByRole('region', { name: 'Response' }));
    expect(answer.getByRole('status').textContent).toBe(
      'Status 200 in 3.25 ms'
    );
    expect(answer.getByLabelText('Response body').textContent).toContain(
      '"predictions"'
    );
  });

  it("shows the model server's refusal of a request", async () => {
    client.invokeEndpoint.mockResolvedValue(
      makeInvocation({
        status: 400,
        ok: false,
        body: { error_code: 'BAD_REQUEST', message: 'Missing column f1' },
        error: 'Missing column f1',
        code: 'BAD_REQUEST'
      })
    );
    const ui = await openView();
    const tryIt = within(ui.getByRole('region', { name: 'Try it' }));
    fireEvent.change(tryIt.getByLabelText('Request (JSON)'), {
      target: { value: '{"inputs": []}' }
    });

    await act(async () => {
      fireEvent.click(tryIt.getByRole('button', { name: 'Send' }));
    });

    expect(tryIt.getByRole('status').textContent).toMatch(
      /^Status 400 in .* · BAD_REQUEST: Missing column f1$/
    );
  });

  it('gives the curl command with a token placeholder, to copy', async () => {
    const copy = jest.spyOn(Clipboard, 'copyToSystem').mockReturnValue();
    const ui = await openView();
    const tryIt = within(ui.getByRole('region', { name: 'Try it' }));
    const command = tryIt.getByLabelText('curl command').textContent ?? '';

    expect(command).toContain(
      "curl -X POST 'http://localhost:8888/mlx/endpoints/churn/invocations'"
    );
    expect(command).toContain("-H 'Authorization: token <TOKEN>'");
    expect(command).toContain(`-d '{"inputs":[[0.1,0.2]]}'`);

    fireEvent.click(tryIt.getByRole('button', { name: 'Copy curl' }));
    expect(copy).toHaveBeenCalledWith(command);
  });

  it('applies a traffic split, promotes and drops the canary', async () => {
    client.updateEndpoint.mockResolvedValue(
      makeEndpoint({ canary: { model_uri: 'models:/churn/4', percent: 25 } })
    );
    const ui = await openView();
    const split = within(ui.getByRole('form', { name: 'Traffic split' }));
    expect(
      (split.getByLabelText('Canary model URI') as HTMLInputElement).value
    ).toBe('models:/churn/4');
    fireEvent.change(split.getByLabelText('Canary percent'), {
      target: { value: '25' }
    });

    await act(async () => {
      fireEvent.click(split.getByRole('button', { name: 'Apply' }));
    });
    await act(async () => {
      fireEvent.click(split.getByRole('button', { name: 'Promote canary' }));
    });

    expect(client.updateEndpoint.mock.calls).toEqual([
      ['churn', { canary_model_uri: 'models:/churn/4', canary_percent: 25 }],
      ['churn', { promote_canary: true }]
    ]);
  });

  it('shows a refused canary beside its field', async () => {
    client.updateEndpoint.mockRejectedValue(
      makeAPIError(400, 'models:/churn/9 does not resolve', 'canary_model_uri')
    );
    const ui = await openView();
    const split = within(ui.getByRole('form', { name: 'Traffic split' }));
    fireEvent.change(split.getByLabelText('Canary model URI'), {
      target: { value: 'models:/churn/9' }
    });

    await act(async () => {
      fireEvent.click(split.getByRole('button', { name: 'Apply' }));
    });

    expect(split.getByRole('alert').textContent).toBe(
      'models:/churn/9 does not resolve'
    );
    expect(
      split.getByLabelText('Canary model URI').getAttribute('aria-invalid')
    ).toBe('true');
  });

  it('shows a failed endpoint with the end of its log, and restarts it', async () => {
    client.getEndpoint.mockResolvedValue(
      makeEndpoint({
        state: 'failed',
        pid: null,
        versions: [],
        last_error: 'exited with status 1',
        log_tail: ['Traceback (most recent call last):', 'MemoryError']
      })
    );
    const ui = await openView();

    expect(ui.getByText(/kept crashing/).textContent).toContain(
      'exited with status 1'
    );
    expect(ui.getByLabelText('End of the process log').textContent).toBe(
      'Traceback (most recent call last):\nMemoryError'
    );
    expect(ui.queryByRole('region', { name: 'Traffic' })).toBeNull();
    expect(client.getEndpointMetrics).not.toHaveBeenCalled();

    fireEvent.click(ui.getByRole('button', { name: 'Start endpoint churn' }));
    await waitFor(() =>
      expect(executed).toEqual([['mlx:restart-endpoint', { name: 'churn' }]])
    );
  });

  it('shows a failed reload while the old version serves', async () => {
    client.getEndpoint.mockResolvedValue(
      makeEndpoint({
        reload: {
          interval_s: 5,
          checked_at: '2026-12-03T19:00:05Z',
          loading: null,
          error: 'Version 5 failed its smoke test',
          reloaded_at: null
        }
      })
    );
    const ui = await openView();

    expect(ui.getByText(/Reload failed/).textContent).toBe(
      'Reload failed, the previous version keeps serving: Version 5 failed its smoke test'
    );
  });
});
