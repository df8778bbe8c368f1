import type { IDisposable } from '@lumino/disposable';
import { type IPoll, Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

import type { IDescribeConfig } from '../api/types';
import type { IMLXClient } from '../tokens';

/**
 * Default seconds between two refreshes of the server status.
 */
export const DEFAULT_REFRESH_INTERVAL = 30;

/**
 * Smallest refresh interval in seconds (the settings schema's minimum).
 */
export const MIN_REFRESH_INTERVAL = 5;

/**
 * The server status shown in the MLX sidebar: the answer of
 * `GET /mlx/api/config`, refreshed periodically.
 *
 * Polling stands by while the browser tab is hidden or the owner marks the
 * status inactive (its section is not visible), and backs off while the
 * server answers errors.
 */
export class ServerStatusModel implements IDisposable {
  /**
   * @param options - The client to query and the refresh interval.
   */
  constructor(options: ServerStatusModel.IOptions) {
    this._client = options.client;
    this._poll = new Poll({
      auto: false,
      factory: () => this._fetch(),
      frequency: ServerStatusModel.frequency(
        options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL
      ),
      name: 'jupyter-mlx:server-status',
      standby: () => (this._active ? 'when-hidden' : true)
    });
  }

  /**
   * Emitted whenever `config`, `error` or `refreshing` change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The last configuration the server answered, or `null` before the first
   * successful answer. It is kept while later refreshes fail.
   */
  get config(): IDescribeConfig | null {
    return this._config;
  }

  /**
   * The error of the last refresh (the server's message for API errors), or
   * `null` when the last refresh succeeded.
   */
  get error(): Error | null {
    return this._error;
  }

  /**
   * Whether a refresh is in flight.
   */
  get refreshing(): boolean {
    return this._refreshing;
  }

  /**
   * Seconds between two refreshes (at least `MIN_REFRESH_INTERVAL`).
   */
  get refreshInterval(): number {
    return this._poll.frequency.interval / 1000;
  }
  set refreshInterval(seconds: number) {
    this._poll.frequency = ServerStatusModel.frequency(seconds);
  }

  /**
   * Whether the status is shown; an inactive status does not poll.
   */
  get active(): boolean {
    return this._active;
  }
  set active(active: boolean) {
    const shown = active && !this._active;
    this._active = active;
    if (shown && !this.isDisposed) {
      void this.refresh();
    }
  }

  /**
   * Whether the model is disposed.
   */
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /**
   * Start periodic refreshes; the first one happens at once.
   */
  async start(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.start();
    await this._poll.tick;
  }

  /**
   * Refresh now. Never rejects: a failure is reported through `error`.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.refresh();
    await this._poll.tick;
  }

  /**
   * Stop polling and disconnect all listeners.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    Signal.clearData(this);
  }

  /**
   * Fetch the configuration and record the outcome.
   *
   * @throws {Error} the failure, so that the poll backs off.
   */
  private async _fetch(): Promise<void> {
    this._refreshing = true;
    this._changed.emit();
    try {
      this._config = await this._client.getConfig();
      this._error = null;
    } catch (reason) {
      this._error =
        reason instanceof Error ? reason : new Error(String(reason));
      throw this._error;
    } finally {
      this._refreshing = false;
      if (!this.isDisposed) {
        this._changed.emit();
      }
    }
  }

  private _active = true;
  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _config: IDescribeConfig | null = null;
  private _error: Error | null = null;
  private _poll: Poll;
  private _refreshing = false;
}

/**
 * Types and helpers of `ServerStatusModel`.
 */
export namespace ServerStatusModel {
  /**
   * Options of a server status model.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes; defaults to `DEFAULT_REFRESH_INTERVAL`.
     */
    refreshInterval?: number;
  }

  /**
   * Poll frequency for a refresh interval: back off up to ten intervals while
   * the server answers errors.
   */
  export function frequency(seconds: number): IPoll.Frequency {
    const interval =
      Math.max(MIN_REFRESH_INTERVAL, Number.isFinite(seconds) ? seconds : 0) *
      1000;
    return { interval, backoff: true, max: 10 * interval };
  }
}
