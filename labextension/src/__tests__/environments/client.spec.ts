import { ServerConnection } from '@jupyterlab/services';

import { MLXClient } from '../../api/client';
import { requestAPI } from '../../api/request';

jest.mock('../../api/request', () => ({
  ...jest.requireActual('../../api/request'),
  requestAPI: jest.fn()
}));

const mockedRequest = requestAPI as jest.MockedFunction<typeof requestAPI>;

describe('MLXClient environments routes', () => {
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/'
  });
  const client = new MLXClient(settings);

  beforeEach(() => {
    mockedRequest.mockReset().mockResolvedValue(undefined);
  });

  it('call each route with its method, path, query and body', async () => {
    await client.listEnvironments();
    await client.createEnvironment({
      name: 'train',
      dependencies: ['python']
    });
    await client.getEnvironment('a b');
    await client.deleteEnvironment('train', { delete_spec: true });
    await client.deleteEnvironment('train');
    await client.lockEnvironment('train', { solver: 'rattler' });
    await client.lockEnvironment('train');
    await client.installEnvironment('train');
    await client.readEnvironmentLog('train', 42);
    await client.getLockDiff('train');

    const calls = mockedRequest.mock.calls.map(([path, init]) => [
      path,
      init?.method ?? 'GET',
      init?.body
    ]);
    expect(calls).toEqual([
      ['environments', 'GET', undefined],
      [
        'environments',
        'POST',
        JSON.stringify({ name: 'train', dependencies: ['python'] })
      ],
      ['environments/a%20b', 'GET', undefined],
      ['environments/train?delete_spec=true', 'DELETE', undefined],
      ['environments/train', 'DELETE', undefined],
      [
        'environments/train/lock',
        'POST',
        JSON.stringify({ solver: 'rattler' })
      ],
      ['environments/train/lock', 'POST', '{}'],
      ['environments/train/install', 'POST', undefined],
      ['environments/train/log?offset=42', 'GET', undefined],
      ['environments/train/lock-diff', 'GET', undefined]
    ]);
    for (const [, , serverSettings] of mockedRequest.mock.calls) {
      expect(serverSettings).toBe(settings);
    }
  });
});
