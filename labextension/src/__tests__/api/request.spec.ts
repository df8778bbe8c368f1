import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../api/client';
import { MLXResponseError, requestAPI } from '../../api/request';
import { makeConfig } from '../fixtures';

/**
 * Server settings whose fetch answers `response` and records the requests.
 */
function settingsAnswering(response: Response): {
  settings: ServerConnection.ISettings;
  fetch: jest.Mock;
} {
  const fetch = jest.fn(async () => response.clone());
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/',
    fetch: fetch as unknown as typeof window.fetch
  });
  return { settings, fetch };
}

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

describe('requestAPI', () => {
  it('calls the route under the server base URL and parses the JSON answer', async () => {
    const { settings, fetch } = settingsAnswering(json({ answer: 42 }, 200));

    const body = await requestAPI<{ answer: number }>('config', {}, settings);

    expect(body).toEqual({ answer: 42 });
    const url = new URL((fetch.mock.calls[0][0] as Request).url);
    expect(url.origin + url.pathname).toBe(
      'http://localhost:8888/a%40b/mlx/api/config'
    );
  });

  it('throws the server message, code and field of an error answer', async () => {
    const { settings } = settingsAnswering(
      json(
        {
          message: "Environment name 'a b' is not a valid identifier",
          code: 'invalid_input',
          field: 'name'
        },
        400
      )
    );

    const error = await requestAPI('environments', { method: 'POST' }, settings)
      .then(() => null)
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(MLXResponseError);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    const mlxError = error as MLXResponseError;
    expect(mlxError.message).toBe(
      "Environment name 'a b' is not a valid identifier"
    );
    expect(mlxError.code).toBe('invalid_input');
    expect(mlxError.field).toBe('name');
    expect(mlxError.status).toBe(400);
  });

  it('reports a non-JSON 404 (server extension missing) with its status', async () => {
    const { settings } = settingsAnswering(
      new Response('<html>Not Found</html>', {
        status: 404,
        statusText: 'Not Found'
      })
    );

    const error = (await requestAPI('config', {}, settings).catch(
      (reason: unknown) => reason
    )) as MLXResponseError;

    expect(error).toBeInstanceOf(MLXResponseError);
    expect(error.status).toBe(404);
    expect(error.code).toBeNull();
    expect(error.field).toBeNull();
    expect(error.message).toBe('404 Not Found');
  });
});

describe('MLXClient.getConfig', () => {
  it('returns the configuration the server answers', async () => {
    const config = makeConfig();
    const { settings, fetch } = settingsAnswering(json(config, 200));

    const answer = await new MLXClient(settings).getConfig();

    expect(answer).toEqual(config);
    const request = fetch.mock.calls[0][0] as Request;
    expect(request.method).toBe('GET');
    expect(new URL(request.url).pathname).toBe('/a%40b/mlx/api/config');
  });

  it('rejects with the server message when the server answers 403', async () => {
    const { settings } = settingsAnswering(
      json({ message: 'Forbidden', code: 'forbidden', field: null }, 403)
    );

    await expect(new MLXClient(settings).getConfig()).rejects.toMatchObject({
      message: 'Forbidden',
      code: 'forbidden',
      status: 403
    });
  });
});
