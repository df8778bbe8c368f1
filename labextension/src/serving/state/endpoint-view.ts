import type {
  IEndpoint,
  IEndpointBucket,
  IEndpointDrift,
  IEndpointRequestRecord,
  IUpdateEndpointRequest
} from '../../api/types';
import { describeFailure, PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * Seconds of traffic the charts show (the server keeps as many).
 */
export const METRICS_WINDOW_S = 15 * 60;

/**
 * Latest requests the view lists.
 */
export const LOG_LIMIT = 20;

/**
 * Refreshes between two reads of the drift (computed from many requests, it
 * changes slowly).
 */
const DRIFT_EVERY = 5;

/**
 * A change of the traffic split.
 */
export type SplitAction = 'apply' | 'promote' | 'drop';

/**
 * One endpoint as its view shows it: its state and versions, its traffic
 * per second over the last 15 minutes (read incrementally with `since`), its
 * latest requests and its input drift, refreshed every `refreshInterval`
 * seconds (2 by default) while shown; and the changes of its traffic split.
 */
export class EndpointViewState extends PolledState {
  /**
   * @param options - The client, the endpoint and the refresh interval.
   */
  constructor(options: EndpointViewState.IOptions) {
    super({
      name: `jupyter-mlx:endpoint-${options.name}`,
      refreshInterval: options.refreshInterval ?? 2
    });
    this._client = options.client;
    this.name = options.name;
  }

  /**
   * The endpoint's name.
   */
  readonly name: string;

  /**
   * The endpoint, or `null` before the first answer.
   */
  get endpoint(): IEndpoint | null {
    return this._endpoint;
  }

  /**
   * The seconds with requests of the last 15 minutes, oldest first.
   */
  get buckets(): ReadonlyArray<IEndpointBucket> {
    return this._buckets;
  }

  /**
   * The latest requests, newest first.
   */
  get log(): ReadonlyArray<IEndpointRequestRecord> {
    return this._log;
  }

  /**
   * The input drift, or `null` before it is read.
   */
  get drift(): IEndpointDrift | null {
    return this._drift;
  }

  /**
   * Why the traffic, the requests or the drift could not be read, or
   * `null`.
   */
  get monitorError(): string | null {
    return this._monitorError;
  }

  /**
   * The change of the traffic split being sent, or `null`.
   */
  get splitting(): SplitAction | null {
    return this._splitting;
  }

  /**
   * Why the last change of the traffic split was refused, and the request
   * field at fault.
   */
  get splitError(): { message: string; field: string | null } | null {
    return this._splitError;
  }

  /**
   * Send a share of the requests to a second model.
   *
   * @param modelUri - The canary's model URI.
   * @param percent - Its share, 0 to 100.
   * @returns Whether the endpoint took it (else see `splitError`).
   */
  applyCanary(modelUri: string, percent: number): Promise<boolean> {
    return this._split('apply', {
      canary_model_uri: modelUri,
      canary_percent: percent
    });
  }

  /**
   * Make the canary's version the primary.
   *
   * @returns Whether the endpoint took it (else see `splitError`).
   */
  promoteCanary(): Promise<boolean> {
    return this._split('promote', { promote_canary: true });
  }

  /**
   * Send every request to the primary again.
   *
   * @returns Whether the endpoint took it (else see `splitError`).
   */
  dropCanary(): Promise<boolean> {
    return this._split('drop', { canary_model_uri: null });
  }

  /**
   * Fast while the endpoint starts or serves.
   */
  protected get live(): boolean {
    const state = this._endpoint?.state;
    return state === 'starting' || state === 'running';
  }

  /**
   * Fetch the endpoint and, while it serves, its new traffic, its latest
   * requests and (every few refreshes) its drift. A failure of the latter
   * is kept in `monitorError`.
   *
   * @throws {MLXResponseError} 404 for an unknown (deleted) endpoint.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const endpoint = await this._client.getEndpoint(this.name);
    this._endpoint = endpoint;
    if (endpoint.state !== 'running') {
      this._monitorError = null;
      return;
    }
    const readDrift = this._ticks % DRIFT_EVERY === 0;
    this._ticks += 1;
    const last = this._buckets[this._buckets.length - 1];
    try {
      const [metrics, log, drift] = await Promise.all([
        // From the second before the last one read: that one may have
        // been read while it was still filling.
        this._client.getEndpointMetrics(
          this.name,
          last ? { since: last.t - 1 } : {}
        ),
        this._client.getEndpointLog(this.name, LOG_LIMIT),
        readDrift ? this._client.getEndpointDrift(this.name) : null
      ]);
      this._buckets = mergeBuckets(
        this._buckets,
        metrics.buckets,
        Date.now() / 1000 - METRICS_WINDOW_S
      );
      this._log = log.records;
      if (drift !== null) {
        this._drift = drift;
      }
      this._monitorError = null;
    } catch (reason) {
      this._monitorError =
        reason instanceof Error ? reason.message : String(reason);
    }
  }

  /**
   * Send a change of the traffic split, then show the endpoint it answers.
   */
  private async _split(
    action: SplitAction,
    request: IUpdateEndpointRequest
  ): Promise<boolean> {
    if (this._splitting !== null || this.isDisposed) {
      return false;
    }
    this._splitting = action;
    this._splitError = null;
    this.emitChanged();
    try {
      this._endpoint = await this._client.updateEndpoint(this.name, request);
      return true;
    } catch (reason) {
      this._splitError = {
        message: reason instanceof Error ? reason.message : String(reason),
        field: describeFailure(reason).field
      };
      return false;
    } finally {
      this._splitting = null;
      this.emitChanged();
    }
  }

  private _buckets: IEndpointBucket[] = [];
  private _client: IMLXClient;
  private _drift: IEndpointDrift | null = null;
  private _endpoint: IEndpoint | null = null;
  private _log: IEndpointRequestRecord[] = [];
  private _monitorError: string | null = null;
  private _splitError: { message: string; field: string | null } | null = null;
  private _splitting: SplitAction | null = null;
  private _ticks = 0;
}

/**
 * Buckets read before, updated by those read since (a second read again
 * replaces the one read while it was filling), without those older than
 * `oldest`, oldest first.
 */
export function mergeBuckets(
  known: ReadonlyArray<IEndpointBucket>,
  read: ReadonlyArray<IEndpointBucket>,
  oldest: number
): IEndpointBucket[] {
  const byTime = new Map<number, IEndpointBucket>();
  for (const bucket of [...known, ...read]) {
    if (bucket.t >= oldest) {
      byTime.set(bucket.t, bucket);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * Types of `EndpointViewState`.
 */
export namespace EndpointViewState {
  /**
   * Options of an endpoint view's state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The endpoint.
     */
    name: string;
    /**
     * Seconds between two refreshes while the view is shown (default 2).
     */
    refreshInterval?: number;
  }
}
