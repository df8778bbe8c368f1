import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../../api/client';
import { MLXResponseError, requestAPI } from '../../../api/request';
import {
  DEFAULT_REFRESH_INTERVAL,
  MIN_REFRESH_INTERVAL,
  ServerStatusState
} from '../../../status/state/server-status';
import { makeConfig } from '../../fixtures';

jest.mock('../../../api/request', () => ({
  ...jest.requireActual('../../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

function serverError(message: string, status = 500): MLXResponseError {
  return new MLXResponseError(new Response(null, { status }), {
    message,
    code: 'unavailable',
    field: null
  });
}

describe('ServerStatusState', () => {
  let state: ServerStatusState;
  const client = new MLXClient(ServerConnection.makeSettings());

  beforeEach(() => {
    mockedRequest.mockReset();
    state = new ServerStatusState({ client });
  });

  afterEach(() => {
    state.dispose();
  });

  it('holds the server configuration after starting', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    const changed = jest.fn();
    state.changed.connect(changed);

    await state.start();

    expect(mockedRequest).toHaveBeenCalledWith(
      'config',
      {},
      client.serverSettings
    );
    expect(state.config?.workspace).toBe('/srv/work/.mlx');
    expect(state.error).toBeNull();
    expect(state.refreshing).toBe(false);
    expect(changed).toHaveBeenCalled();
  });

  it('keeps the last configuration and exposes the server message on failure', async () => {
    // Given a state that has fetched the configuration once
    mockedRequest.mockResolvedValueOnce(makeConfig());
    await state.start();

    // When the next refresh fails
    mockedRequest.mockRejectedValueOnce(
      serverError('The job store at sqlite:///x.db cannot be opened', 503)
    );
    await state.refresh();

    // Then the error carries the server's message and the old data stays
    expect(state.error?.message).toBe(
      'The job store at sqlite:///x.db cannot be opened'
    );
    expect(state.config?.version).toBe('0.1.0');

    // And a later successful refresh clears the error
    mockedRequest.mockResolvedValueOnce(makeConfig({ version: '0.2.0' }));
    await state.refresh();
    expect(state.error).toBeNull();
    expect(state.config?.version).toBe('0.2.0');
  });

  it('does not fetch while inactive and refreshes when shown again', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    state.active = false;

    await state.start();
    expect(mockedRequest).not.toHaveBeenCalled();

    state.active = true;
    await state.refresh();
    expect(mockedRequest).toHaveBeenCalled();
    expect(state.config).not.toBeNull();
  });

  it('uses the configured refresh interval, never below the minimum', () => {
    expect(state.refreshInterval).toBe(DEFAULT_REFRESH_INTERVAL);

    state.refreshInterval = 60;
    expect(state.refreshInterval).toBe(60);

    state.refreshInterval = 1;
    expect(state.refreshInterval).toBe(MIN_REFRESH_INTERVAL);
  });

  it('stops notifying after being disposed', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    const changed = jest.fn();
    state.changed.connect(changed);

    state.dispose();
    await state.refresh();

    expect(state.isDisposed).toBe(true);
    expect(changed).not.toHaveBeenCalled();
  });
});
