import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import { act, fireEvent, waitFor, within } from '@testing-library/react';

import { EndpointsState } from '../../serving/state/endpoints';
import { EndpointsPanel } from '../../serving/widgets/endpoints-panel';
import { makeClient } from '../fixtures';
import { makeEndpoint, makeEndpointVersion } from './endpoint-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('EndpointsPanel', () => {
  let client: ReturnType<typeof makeClient>;
  let commands: CommandRegistry;
  let executed: [string, ReadonlyPartialJSONObject][];
  let panel: EndpointsPanel;

  beforeEach(() => {
    client = makeClient();
    commands = new CommandRegistry();
    executed = [];
    for (const id of [
      'mlx:open-endpoint',
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
  });

  afterEach(() => {
    act(() => panel.dispose());
  });

  /**
   * Show the panel and wait for its first read.
   */
  async function showPanel(): Promise<ReturnType<typeof within>> {
    const state = new EndpointsState({ client });
    panel = new EndpointsPanel({ state, commands, trans });
    await act(async () => {
      Widget.attach(panel, document.body);
      await state.refresh();
    });
    return within(panel.node);
  }

  it('is the Endpoints section', async () => {
    client.listEndpoints.mockResolvedValue({ endpoints: [] });
    const ui = await showPanel();

    expect(panel.id).toBe('jp-mlx-endpoints');
    expect(panel.title.label).toBe('Endpoints');
    expect(ui.getByText(/No endpoints yet/)).toBeTruthy();
  });

  it('lists each endpoint with its state, model and versions', async () => {
    client.listEndpoints.mockResolvedValue({
      endpoints: [
        makeEndpoint({
          canary: { model_uri: 'models:/churn/4', percent: 10 },
          versions: [
            makeEndpointVersion(),
            makeEndpointVersion({
              role: 'canary',
              version: '4',
              model_uri: 'models:/churn/4'
            })
          ]
        }),
        makeEndpoint({
          name: 'wine',
          model_uri: 'models:/wine/2',
          state: 'stopped',
          versions: []
        })
      ]
    });
    const ui = await showPanel();

    const churn = within(ui.getByRole('listitem', { name: 'churn' }));
    expect(churn.getByText('Running')).toBeTruthy();
    expect(churn.getByText('models:/churn@champion')).toBeTruthy();
    expect(churn.getByText('v3')).toBeTruthy();
    expect(churn.getByText('canary v4 · 10%')).toBeTruthy();
    const wine = within(ui.getByRole('listitem', { name: 'wine' }));
    expect(wine.getByText('Stopped')).toBeTruthy();
    expect(
      wine.queryByRole('button', { name: 'Stop endpoint wine' })
    ).toBeNull();
  });

  it("runs the commands of an endpoint's actions", async () => {
    client.listEndpoints.mockResolvedValue({
      endpoints: [
        makeEndpoint(),
        makeEndpoint({ name: 'wine', state: 'stopped', versions: [] })
      ]
    });
    const ui = await showPanel();

    fireEvent.click(ui.getByRole('button', { name: 'Open endpoint churn' }));
    fireEvent.click(ui.getByRole('button', { name: 'Restart endpoint churn' }));
    fireEvent.click(ui.getByRole('button', { name: 'Stop endpoint churn' }));
    fireEvent.click(ui.getByRole('button', { name: 'Start endpoint wine' }));
    fireEvent.click(ui.getByRole('button', { name: 'Delete endpoint wine' }));

    await waitFor(() =>
      expect(executed).toEqual([
        ['mlx:open-endpoint', { name: 'churn' }],
        ['mlx:restart-endpoint', { name: 'churn' }],
        ['mlx:stop-endpoint', { name: 'churn' }],
        ['mlx:restart-endpoint', { name: 'wine' }],
        ['mlx:delete-endpoint', { name: 'wine' }]
      ])
    );
  });
});
