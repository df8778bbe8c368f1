import { EndpointsState } from '../../serving/state/endpoints';
import { makeAPIError, makeClient } from '../fixtures';
import { makeEndpoint, makeEndpointVersion } from './endpoint-fixtures';

describe('EndpointsState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: EndpointsState;

  beforeEach(() => {
    client = makeClient();
    state = new EndpointsState({ client, interval: 30, activeInterval: 2 });
  });

  afterEach(() => {
    state.dispose();
    jest.restoreAllMocks();
  });

  it('lists the endpoints by name, fast while one serves', async () => {
    client.listEndpoints.mockResolvedValue({
      endpoints: [
        makeEndpoint({ name: 'wine', state: 'stopped', versions: [] }),
        makeEndpoint()
      ]
    });

    await state.start();

    expect(state.endpoints.map(endpoint => endpoint.name)).toEqual([
      'churn',
      'wine'
    ]);
    expect(state.loaded).toBe(true);
    expect(state.frequency.interval).toBe(2000);
  });

  it('polls at the idle interval while none starts or serves', async () => {
    client.listEndpoints.mockResolvedValue({
      endpoints: [makeEndpoint({ state: 'stopped', versions: [] })]
    });

    await state.start();

    expect(state.frequency.interval).toBe(30_000);
  });

  it('works out the requests per second between two refreshes', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const serving = (primary: number, canary: number) => ({
      endpoints: [
        makeEndpoint({
          versions: [
            makeEndpointVersion({ requests: primary }),
            makeEndpointVersion({ role: 'canary', requests: canary })
          ]
        })
      ]
    });
    client.listEndpoints.mockResolvedValue(serving(100, 10));
    await state.start();
    expect(state.rate('churn')).toBeNull();

    now.mockReturnValue(1_002_000);
    client.listEndpoints.mockResolvedValue(serving(150, 20));
    await state.refresh();

    expect(state.rate('churn')).toBe(30);
  });

  it("keeps the endpoints listed and shows the server's error", async () => {
    client.listEndpoints.mockResolvedValue({ endpoints: [makeEndpoint()] });
    await state.start();
    client.listEndpoints.mockRejectedValue(
      makeAPIError(503, 'The store is unreachable')
    );

    await state.refresh();

    expect(state.error?.message).toBe('The store is unreachable');
    expect(state.endpoints).toHaveLength(1);
  });
});
