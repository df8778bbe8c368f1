import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../api/client';
import { MLXResponseError, withQuery } from '../../api/request';

function client(response: Response): { client: MLXClient; fetch: jest.Mock } {
  const fetch = jest.fn(async () => response.clone());
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/',
    fetch: fetch as unknown as typeof window.fetch
  });
  return { client: new MLXClient(settings), fetch };
}

describe('withQuery', () => {
  it('repeats arrays and leaves out empty values', () => {
    expect(
      withQuery('runs', {
        notebook: 'a b.ipynb',
        order_by: ['metrics.`loss` ASC', 'attributes.start_time DESC'],
        filter: '',
        page_token: null,
        max_results: 25
      })
    ).toBe(
      'runs?notebook=a%20b.ipynb&order_by=metrics.%60loss%60%20ASC&order_by=attributes.start_time%20DESC&max_results=25'
    );
    expect(withQuery('runs', {})).toBe('runs');
  });
});

describe('MLXClient artifacts', () => {
  it('fetches an artifact as a typed blob through the authenticated request', async () => {
    const { client: api, fetch } = client(
      new Response('<html></html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' }
      })
    );

    const blob = await api.getArtifact('r1', 'notebook/train.ipynb', 'html');

    expect(blob.type).toMatch(/^text\/html/);
    expect(await blob.text()).toBe('<html></html>');
    const url = new URL((fetch.mock.calls[0][0] as Request).url);
    expect(url.pathname).toBe('/a%40b/mlx/api/runs/r1/artifacts/content');
    expect(url.searchParams.get('path')).toBe('notebook/train.ipynb');
    expect(url.searchParams.get('format')).toBe('html');
    // No bare cache-busting timestamp: the API rejects unknown parameters.
    expect([...url.searchParams.keys()]).toEqual(['path', 'format']);
  });

  it('throws the server message for a missing artifact', async () => {
    const { client: api } = client(
      new Response(
        JSON.stringify({
          message: 'No artifact x',
          code: 'not_found',
          field: 'path'
        }),
        { status: 404 }
      )
    );

    await expect(api.getArtifact('r1', 'x')).rejects.toBeInstanceOf(
      MLXResponseError
    );
  });

  it('posts the runs to compare', async () => {
    const { client: api, fetch } = client(
      new Response(JSON.stringify({ runs: [], metrics: [], params: [] }), {
        status: 200
      })
    );

    await api.compareRuns({ run_ids: ['a', 'b'] });

    const request = fetch.mock.calls[0][0] as Request;
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/a%40b/mlx/api/runs/compare');
    expect(await request.json()).toEqual({ run_ids: ['a', 'b'] });
  });
});
