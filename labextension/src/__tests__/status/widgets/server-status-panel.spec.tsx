import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { act, screen } from '@testing-library/react';

import { MLXClient } from '../../../api/client';
import { MLXResponseError, requestAPI } from '../../../api/request';
import { ServerStatusState } from '../../../status/state/server-status';
import { ServerStatusPanel } from '../../../status/widgets/server-status-panel';
import { makeConfig } from '../../fixtures';

jest.mock('../../../api/request', () => ({
  ...jest.requireActual('../../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

describe('ServerStatusPanel', () => {
  let panel: ServerStatusPanel;

  beforeEach(() => {
    mockedRequest.mockReset();
    const client = new MLXClient(ServerConnection.makeSettings());
    panel = new ServerStatusPanel(
      new ServerStatusState({ client }),
      nullTranslator
    );
  });

  afterEach(() => {
    // Disposing unmounts the React root: a state update React must see in act.
    act(() => {
      panel.dispose();
    });
  });

  it('is titled Server status and fetches nothing until shown', async () => {
    mockedRequest.mockResolvedValue(makeConfig());

    await panel.state.start();

    expect(panel.title.label).toBe('Server status');
    expect(mockedRequest).not.toHaveBeenCalled();
  });

  it('shows the server facts once attached', async () => {
    mockedRequest.mockResolvedValue(makeConfig());

    await act(async () => {
      Widget.attach(panel, document.body);
    });

    expect(await screen.findByText('/srv/work/.mlx')).toBeInTheDocument();
    expect(screen.getByText('healthy (revision 0001)')).toBeInTheDocument();
  });

  it("shows the server's message when the server answers an error", async () => {
    mockedRequest.mockRejectedValue(
      new MLXResponseError(new Response(null, { status: 503 }), {
        message: 'The job store cannot be opened',
        code: 'unavailable',
        field: null
      })
    );

    await act(async () => {
      Widget.attach(panel, document.body);
    });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The job store cannot be opened'
    );
  });

  it('stops the state when disposed', () => {
    const state = panel.state;

    act(() => {
      panel.dispose();
    });

    expect(state.isDisposed).toBe(true);
  });
});
