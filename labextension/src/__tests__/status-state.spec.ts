import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../api/client';
import { MLXResponseError, requestAPI } from '../api/request';
import {
  DEFAULT_REFRESH_INTERVAL,
  MIN_REFRESH_INTERVAL,
  ServerStatusModel
} from '../state/status';
import { makeConfig } from './fixtures';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
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

describe('ServerStatusModel', () => {
  let model: ServerStatusModel;
  const client = new MLXClient(ServerConnection.makeSettings());

  beforeEach(() => {
    mockedRequest.mockReset();
    model = new ServerStatusModel({ client });
  });

  afterEach(() => {
    model.dispose();
  });

  it('holds the server configuration after starting', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    const changed = jest.fn();
    model.changed.connect(changed);

    await model.start();

    expect(mockedRequest).toHaveBeenCalledWith(
      'config',
      {},
      client.serverSettings
    );
    expect(model.config?.workspace).toBe('/srv/work/.mlx');
    expect(model.error).toBeNull();
    expect(model.refreshing).toBe(false);
    expect(changed).toHaveBeenCalled();
  });

  it('keeps the last configuration and exposes the server message on failure', async () => {
    // Given a model that has fetched the configuration once
    mockedRequest.mockResolvedValueOnce(makeConfig());
    await model.start();

    // When the next refresh fails
    mockedRequest.mockRejectedValueOnce(
      serverError('The job store at sqlite:///x.db cannot be opened', 503)
    );
    await model.refresh();

    // Then the error carries the server's message and the old data stays
    expect(model.error?.message).toBe(
      'The job store at sqlite:///x.db cannot be opened'
    );
    expect(model.config?.version).toBe('0.1.0');

    // And a later successful refresh clears the error
    mockedRequest.mockResolvedValueOnce(makeConfig({ version: '0.2.0' }));
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.config?.version).toBe('0.2.0');
  });

  it('does not fetch while inactive and refreshes when shown again', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    model.active = false;

    await model.start();
    expect(mockedRequest).not.toHaveBeenCalled();

    model.active = true;
    await model.refresh();
    expect(mockedRequest).toHaveBeenCalled();
    expect(model.config).not.toBeNull();
  });

  it('uses the configured refresh interval, never below the minimum', () => {
    expect(model.refreshInterval).toBe(DEFAULT_REFRESH_INTERVAL);

    model.refreshInterval = 60;
    expect(model.refreshInterval).toBe(60);

    model.refreshInterval = 1;
    expect(model.refreshInterval).toBe(MIN_REFRESH_INTERVAL);
  });

  it('stops notifying after being disposed', async () => {
    mockedRequest.mockResolvedValue(makeConfig());
    const changed = jest.fn();
    model.changed.connect(changed);

    model.dispose();
    await model.refresh();

    expect(model.isDisposed).toBe(true);
    expect(changed).not.toHaveBeenCalled();
  });
});
