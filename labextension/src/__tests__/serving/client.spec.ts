import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../api/client';
import { MLXResponseError } from '../../api/request';

/**
 * A client under a hub-style base URL whose fetch answers `response` and
 * records the requests.
 */
function clientAnswering(response: Response): {
  client: MLXClient;
  fetch: jest.Mock;
} {
  const fetch = jest.fn(async () => response.clone());
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/',
    fetch: fetch as unknown as typeof window.fetch
  });
  return { client: new MLXClient(settings), fetch };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

/**
 * Method and URL (path and query) of the last request.
 */
async function lastRequest(
  fetch: jest.Mock
): Promise<{ method: string; url: string; body: string }> {
  const request = fetch.mock.calls[fetch.mock.calls.length - 1][0] as Request;
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    body: await request.text()
  };
}

describe('MLXClient endpoints', () => {
  it.each([
    ['listEndpoints', 'GET', '/a%40b/mlx/api/endpoints', []],
    ['getEndpoint', 'GET', '/a%40b/mlx/api/endpoints/churn', ['churn']],
    ['stopEndpoint', 'POST', '/a%40b/mlx/api/endpoints/churn/stop', ['churn']],
    [
      'restartEndpoint',
      'POST',
      '/a%40b/mlx/api/endpoints/churn/restart',
      ['churn']
    ],
    [
      'getEndpointMetrics',
      'GET',
      '/a%40b/mlx/api/endpoints/churn/metrics?since=1764788400',
      ['churn', { since: 1764788400 }]
    ],
    [
      'getEndpointDrift',
      'GET',
      '/a%40b/mlx/api/endpoints/churn/drift',
      ['churn']
    ],
    [
      'getEndpointLog',
      'GET',
      '/a%40b/mlx/api/endpoints/churn/log?limit=20',
      ['churn', 20]
    ]
  ])('%s calls %s %s', async (method, verb, url, args) => {
    const { client, fetch } = clientAnswering(json({}));

    await (client as unknown as Record<string, (...a: unknown[]) => unknown>)[
      method
    ](...args);

    const request = await lastRequest(fetch);
    expect([request.method, request.url]).toEqual([verb, url]);
  });

  it('creates, updates and deletes an endpoint with JSON bodies', async () => {
    const { client, fetch } = clientAnswering(json({}, 201));

    await client.createEndpoint({
      name: 'churn',
      model_uri: 'models:/churn@champion'
    });
    expect(await lastRequest(fetch)).toEqual({
      method: 'POST',
      url: '/a%40b/mlx/api/endpoints',
      body: '{"name":"churn","model_uri":"models:/churn@champion"}'
    });

    await client.updateEndpoint('churn', { canary_model_uri: null });
    expect(await lastRequest(fetch)).toEqual({
      method: 'PATCH',
      url: '/a%40b/mlx/api/endpoints/churn',
      body: '{"canary_model_uri":null}'
    });

    const deleted = clientAnswering(new Response(null, { status: 204 }));
    await deleted.client.deleteEndpoint('churn');
    expect((await lastRequest(deleted.fetch)).method).toBe('DELETE');
  });

  it('throws the field of a refused creation', async () => {
    const { client } = clientAnswering(
      json(
        {
          message: 'Port 8123 is in use',
          code: 'invalid_input',
          field: 'port'
        },
        400
      )
    );

    await expect(
      client.createEndpoint({ name: 'churn', model_uri: 'x', port: 8123 })
    ).rejects.toMatchObject({
      constructor: MLXResponseError,
      message: 'Port 8123 is in use',
      field: 'port'
    });
  });

  it('invokes an endpoint through the proxy, timed, error statuses answered', async () => {
    const { client, fetch } = clientAnswering(
      json({ error_code: 'BAD_REQUEST', message: 'Missing column f1' }, 400)
    );

    const answer = await client.invokeEndpoint('churn', { inputs: [[1]] });

    expect(await lastRequest(fetch)).toEqual({
      method: 'POST',
      url: '/a%40b/mlx/endpoints/churn/invocations',
      body: '{"inputs":[[1]]}'
    });
    expect(answer).toMatchObject({
      status: 400,
      ok: false,
      error: 'Missing column f1',
      code: 'BAD_REQUEST'
    });
    expect(answer.latency_ms).toBeGreaterThanOrEqual(0);
    expect(client.endpointUrl('churn')).toBe(
      'http://localhost:8888/a%40b/mlx/endpoints/churn/invocations'
    );
  });
});
