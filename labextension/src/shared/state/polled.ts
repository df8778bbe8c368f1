import type { IDisposable } from '@lumino/disposable';
import { type IPoll, Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

/**
 * Default seconds between two refreshes while nothing shown is running.
 */
export const DEFAULT_IDLE_INTERVAL = 10;

/**
 * Default seconds between two refreshes while a shown run is active.
 */
export const DEFAULT_ACTIVE_INTERVAL = 3;

/**
 * Default smallest refresh interval in seconds.
 */
export const MIN_INTERVAL = 1;

/**
 * Longest wait between two refreshes while the server answers errors, in
 * multiples of the idle interval.
 */
const BACKOFF_FACTOR = 10;

/**
 * Base of the state classes that show tracking data and refresh it with a `Poll`:
 * quickly while a run they show is active (`live`), slowly otherwise; not at
 * all while inactive (their view is hidden) or the browser tab is hidden;
 * backing off while the server answers errors.
 *
 * Subclasses implement `load()` and `live`; a state that is never `live` polls
 * at one interval.
 */
export abstract class PolledState implements IDisposable {
  /**
   * @param options - The poll's name and refresh intervals.
   */
  constructor(options: PolledState.IOptions) {
    this._minInterval = options.minInterval ?? MIN_INTERVAL;
    this._idleInterval = this._valid(
      options.refreshInterval ?? DEFAULT_IDLE_INTERVAL
    );
    this._activeInterval = this._valid(
      options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    );
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: this._frequency(false),
      name: options.name,
      standby: () => (this._active ? 'when-hidden' : true)
    });
  }

  /**
   * Emitted whenever anything the state shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The error of the last refresh (the server's message for API errors), or
   * `null` when it succeeded. Data of earlier refreshes is kept meanwhile.
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
   * Whether a refresh has succeeded since the state started.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Seconds between two refreshes while nothing shown is running (a value
   * below the minimum interval, or not finite, is raised to the minimum).
   */
  get refreshInterval(): number {
    return this._idleInterval;
  }
  set refreshInterval(seconds: number) {
    this._idleInterval = this._valid(seconds);
    this._updateFrequency();
  }

  /**
   * Seconds between two refreshes while a shown run is active (made valid
   * like `refreshInterval`).
   */
  get activeRefreshInterval(): number {
    return this._activeInterval;
  }
  set activeRefreshInterval(seconds: number) {
    this._activeInterval = this._valid(seconds);
    this._updateFrequency();
  }

  /**
   * The poll's current frequency (for views and tests).
   */
  get frequency(): IPoll.Frequency {
    return this._poll.frequency;
  }

  /**
   * Whether the data is shown; an inactive state does not poll, and
   * refreshes at once when it becomes active again.
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
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /**
   * Start periodic refreshes; the first one happens at once.
   *
   * Never rejects: a failure is reported through `error`.
   */
  async start(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.start();
    await this._settled();
  }

  /**
   * Refresh now. Never rejects: a failure is reported through `error`.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.refresh();
    await this._settled();
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
   * Fetch the data and store it.
   *
   * @throws {Error} any failure of the server or the network.
   */
  protected abstract load(): Promise<void>;

  /**
   * Whether a run the state shows is active, so it refreshes quickly.
   */
  protected abstract get live(): boolean;

  /**
   * Tell the views that something changed.
   */
  protected emitChanged(): void {
    if (!this.isDisposed) {
      this._changed.emit();
    }
  }

  /**
   * One poll tick: load and record the outcome.
   *
   * @throws {Error} the failure, so that the poll backs off.
   */
  private async _tick(): Promise<void> {
    this._refreshing = true;
    this.emitChanged();
    try {
      await this.load();
      this._error = null;
      this._loaded = true;
    } catch (reason) {
      this._error =
        reason instanceof Error ? reason : new Error(String(reason));
      throw this._error;
    } finally {
      this._refreshing = false;
      this._updateFrequency();
      this.emitChanged();
    }
  }

  /**
   * Wait for the current tick; it only rejects when the poll is disposed
   * meanwhile, which is not a failure of the caller.
   */
  private async _settled(): Promise<void> {
    try {
      await this._poll.tick;
    } catch (reason) {
      if (!this.isDisposed) {
        throw reason;
      }
    }
  }

  private _updateFrequency(): void {
    if (!this.isDisposed) {
      this._poll.frequency = this._frequency(this.live);
    }
  }

  private _frequency(live: boolean): IPoll.Frequency {
    const idle = this._idleInterval;
    const fast = Math.min(idle, this._activeInterval);
    const interval = (live ? fast : idle) * 1000;
    return { interval, backoff: true, max: BACKOFF_FACTOR * idle * 1000 };
  }

  /**
   * A refresh interval made valid: finite and at least the minimum.
   */
  private _valid(seconds: number): number {
    return Math.max(this._minInterval, Number.isFinite(seconds) ? seconds : 0);
  }

  private _active = true;
  private _activeInterval: number;
  private _changed = new Signal<this, void>(this);
  private _error: Error | null = null;
  private _idleInterval: number;
  private _loaded = false;
  private _minInterval: number;
  private _poll: Poll;
  private _refreshing = false;
}

/**
 * Types of `PolledState`.
 */
export namespace PolledState {
  /**
   * Options of a polled state.
   */
  export interface IOptions {
    /**
     * Name of the poll (for debugging).
     */
    name: string;
    /**
     * Seconds between two refreshes while nothing shown is running.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while a shown run is active.
     */
    activeRefreshInterval?: number;
    /**
     * Smallest refresh interval in seconds; defaults to `MIN_INTERVAL`.
     */
    minInterval?: number;
  }
}

/**
 * HTTP status and request field of an API error, duck-typed (the error may
 * come from another copy of the services package).
 */
export function describeFailure(reason: unknown): {
  status: number | null;
  field: string | null;
} {
  const error = reason as {
    response?: { status?: unknown };
    field?: unknown;
  } | null;
  const status = error?.response?.status;
  return {
    status: typeof status === 'number' ? status : null,
    field: typeof error?.field === 'string' ? error.field : null
  };
}

/**
 * Whether a run status is an active one (the run may still log).
 */
export function isActiveStatus(status: string): boolean {
  return status === 'RUNNING' || status === 'SCHEDULED';
}
