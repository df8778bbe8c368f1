import {
  EndpointViewState,
  LOG_LIMIT,
  mergeBuckets
} from '../../serving/state/endpoint-view';
import { makeAPIError, makeClient } from '../fixtures';
import {
  makeBucket,
  makeDrift,
  makeEndpoint,
  makeRecord
} from './endpoint-fixtures';

describe('EndpointViewState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: EndpointViewState;

  beforeEach(() => {
    client = makeClient();
    client.getEndpoint.mockResolvedValue(makeEndpoint());
    client.getEndpointMetrics.mockResolvedValue({
      interval_s: 1,
      buckets: []
    });
    client.getEndpointLog.mockResolvedValue({ records: [makeRecord()] });
    client.getEndpointDrift.mockResolvedValue(makeDrift());
    state = new EndpointViewState({ client, name: 'churn' });
  });

  afterEach(() => {
    state.dispose();
  });

  it('reads a running endpoint with its traffic, requests and drift every 2 s', async () => {
    const now = Math.floor(Date.now() / 1000);
    client.getEndpointMetrics.mockResolvedValue({
      interval_s: 1,
      buckets: [makeBucket(now - 2), makeBucket(now - 1)]
    });

    await state.start();

    expect(state.endpoint?.name).toBe('churn');
    expect(state.buckets.map(bucket => bucket.t)).toEqual([now - 2, now - 1]);
    expect(state.log).toHaveLength(1);
    expect(state.drift?.drifted).toBe(true);
    expect(state.frequency.interval).toBe(2000);
    expect(client.getEndpointMetrics).toHaveBeenCalledWith('churn', {});
    expect(client.getEndpointLog).toHaveBeenCalledWith('churn', LOG_LIMIT);
  });

  it('reads the traffic since the last second it has, replacing that second', async () => {
    const now = Math.floor(Date.now() / 1000);
    client.getEndpointMetrics.mockResolvedValueOnce({
      interval_s: 1,
      buckets: [makeBucket(now - 1, { requests: 5 })]
    });
    await state.start();
    client.getEndpointMetrics.mockResolvedValueOnce({
      interval_s: 1,
      buckets: [makeBucket(now - 1, { requests: 9 }), makeBucket(now)]
    });

    await state.refresh();

    expect(client.getEndpointMetrics).toHaveBeenLastCalledWith('churn', {
      since: now - 2
    });
    expect(state.buckets.map(bucket => bucket.requests)).toEqual([9, 30]);
  });

  it('reads only the endpoint while it does not run', async () => {
    client.getEndpoint.mockResolvedValue(
      makeEndpoint({ state: 'failed', versions: [], log_tail: ['Boom'] })
    );

    await state.start();

    expect(state.endpoint?.state).toBe('failed');
    expect(client.getEndpointMetrics).not.toHaveBeenCalled();
    expect(client.getEndpointLog).not.toHaveBeenCalled();
  });

  it('keeps a failure to read the traffic apart from the endpoint', async () => {
    client.getEndpointLog.mockRejectedValue(
      makeAPIError(409, 'Endpoint churn is not running')
    );

    await state.start();

    expect(state.error).toBeNull();
    expect(state.endpoint).not.toBeNull();
    expect(state.monitorError).toBe('Endpoint churn is not running');
  });

  it('applies, promotes and drops a canary', async () => {
    await state.start();
    const split = makeEndpoint({
      canary: { model_uri: 'models:/churn/4', percent: 10 }
    });
    client.updateEndpoint.mockResolvedValue(split);

    expect(await state.applyCanary('models:/churn/4', 10)).toBe(true);
    expect(await state.promoteCanary()).toBe(true);
    expect(await state.dropCanary()).toBe(true);

    expect(client.updateEndpoint.mock.calls).toEqual([
      ['churn', { canary_model_uri: 'models:/churn/4', canary_percent: 10 }],
      ['churn', { promote_canary: true }],
      ['churn', { canary_model_uri: null }]
    ]);
    expect(state.endpoint?.canary?.percent).toBe(10);
    expect(state.splitting).toBeNull();
  });

  it('shows a refused split beside the field it names', async () => {
    await state.start();
    client.updateEndpoint.mockRejectedValue(
      makeAPIError(400, 'models:/churn/9 does not resolve', 'canary_model_uri')
    );

    expect(await state.applyCanary('models:/churn/9', 10)).toBe(false);

    expect(state.splitError).toEqual({
      message: 'models:/churn/9 does not resolve',
      field: 'canary_model_uri'
    });
  });
});

describe('mergeBuckets', () => {
  it('drops the seconds older than the window', () => {
    const merged = mergeBuckets(
      [makeBucket(1), makeBucket(5)],
      [makeBucket(6)],
      4
    );

    expect(merged.map(bucket => bucket.t)).toEqual([5, 6]);
  });
});
