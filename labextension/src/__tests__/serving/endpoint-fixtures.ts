import type {
  IEndpoint,
  IEndpointBucket,
  IEndpointDrift,
  IEndpointRequestRecord,
  IEndpointVersion,
  IInvocation
} from '../../api/types';

/**
 * A loaded version as an endpoint reports it, with `overrides` applied.
 */
export function makeEndpointVersion(
  overrides: Partial<IEndpointVersion> = {}
): IEndpointVersion {
  return {
    role: 'primary',
    model_uri: 'models:/churn/3',
    version: '3',
    run_id: 'run-3',
    loaded_at: '2026-12-03T19:00:00Z',
    requests: 120,
    errors: 1,
    p50_ms: 1.2,
    p99_ms: 4,
    ...overrides
  };
}

/**
 * A running endpoint serving `models:/churn@champion`, with `overrides`
 * applied.
 */
export function makeEndpoint(overrides: Partial<IEndpoint> = {}): IEndpoint {
  return {
    name: 'churn',
    model_uri: 'models:/churn@champion',
    state: 'running',
    port: 8123,
    url: 'http://127.0.0.1:8123',
    proxy_path: 'mlx/endpoints/churn/',
    batch_window_ms: 2,
    max_batch_rows: 256,
    canary: null,
    pid: 4242,
    restarts: 0,
    last_error: null,
    log_tail: [],
    versions: [makeEndpointVersion()],
    reload: {
      interval_s: 5,
      checked_at: '2026-12-03T19:00:05Z',
      loading: null,
      error: null,
      reloaded_at: null
    },
    example_request: { inputs: [[0.1, 0.2]] },
    created_at: '2026-12-03T18:59:00Z',
    created_by: 'ada',
    ...overrides
  };
}

/**
 * One second of traffic, with `overrides` applied.
 */
export function makeBucket(
  t: number,
  overrides: Partial<IEndpointBucket> = {}
): IEndpointBucket {
  return {
    t,
    requests: 30,
    errors: 0,
    p50_ms: 1.1,
    p95_ms: 2,
    p99_ms: 3.1,
    versions: { '3': 30 },
    ...overrides
  };
}

/**
 * Drift of two features, the second flagged.
 */
export function makeDrift(
  overrides: Partial<IEndpointDrift> = {}
): IEndpointDrift {
  return {
    threshold: 0.2,
    reference: 'input_example',
    reference_rows: 5,
    live_rows: 800,
    features: [
      { name: 'f0', psi: 0.03, drifted: false },
      { name: 'f1', psi: 0.41, drifted: true }
    ],
    drifted: true,
    message: null,
    ...overrides
  };
}

/**
 * A logged request, with `overrides` applied.
 */
export function makeRecord(
  overrides: Partial<IEndpointRequestRecord> = {}
): IEndpointRequestRecord {
  return {
    t: '2026-12-03T19:00:01Z',
    latency_ms: 1.3,
    status: 200,
    version: '3',
    input: { inputs: [[0.1, 0.2]] },
    output: { predictions: [1] },
    ...overrides
  };
}

/**
 * An answer of the endpoint through the proxy, with `overrides` applied.
 */
export function makeInvocation(
  overrides: Partial<IInvocation> = {}
): IInvocation {
  return {
    status: 200,
    ok: true,
    latency_ms: 3.25,
    body: { predictions: [1] },
    error: null,
    code: null,
    ...overrides
  };
}
