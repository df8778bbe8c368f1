import { type ISignal, Signal } from '@lumino/signaling';

import type { IEnvironment, IEnvironmentLog } from '../../api/types';
import { LogFollowingState } from '../../shared/state/log-follower';
import type { IMLXClient } from '../../tokens';

/**
 * Default seconds between two refreshes while an install runs.
 */
export const DEFAULT_ACTIVE_INTERVAL = 1;

/**
 * Most characters of the log kept (and shown); older text is dropped.
 */
export const MAX_LOG_CHARS = 1024 * 1024;

/**
 * One environment's lock and install log, tailed from the last offset read,
 * and, while it installs, the environment itself (its progress).
 *
 * It refreshes every `activeRefreshInterval` seconds while the environment
 * installs or its log is not read to the end; after that a refresh asks the
 * server nothing, until `restart()` follows a new lock or install.
 */
export class EnvironmentLogState extends LogFollowingState {
  /**
   * @param options - The client, the environment and the refresh intervals.
   */
  constructor(options: EnvironmentLogState.IOptions) {
    super({
      name: `jupyter-mlx:environment-log-${options.environment.name}`,
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL,
      maxLogChars: MAX_LOG_CHARS
    });
    this._client = options.client;
    this._environment = options.environment;
    this.name = options.environment.name;
  }

  /**
   * The environment's name.
   */
  readonly name: string;

  /**
   * The environment as last seen.
   */
  get environment(): IEnvironment {
    return this._environment;
  }

  /**
   * Emitted with the environment whenever a refresh fetched it.
   */
  get environmentChanged(): ISignal<this, IEnvironment> {
    return this._environmentChanged;
  }

  /**
   * Emitted with the environment when an install seen running has ended
   * (the environment is `ready` or `failed` then).
   */
  get installEnded(): ISignal<this, IEnvironment> {
    return this._installEnded;
  }

  /**
   * Follow a new lock or install from the start of its log, and refresh
   * now.
   *
   * @param environment - The environment as the server answered the action.
   */
  async restart(environment: IEnvironment): Promise<void> {
    this._generation++;
    this._environment = environment;
    this.followedLog.reset();
    this.emitChanged();
    await this.refresh();
  }

  protected get live(): boolean {
    return this._installing || !this.logComplete;
  }

  /**
   * While the environment installs, fetch it; while it installs or its log
   * was not read to the end, read the log on.
   *
   * @throws {MLXResponseError} 404 for an environment removed meanwhile.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    if (!this.live) {
      return;
    }
    const generation = this._generation;
    const [environment] = await Promise.all([
      this._installing
        ? this._client.getEnvironment(this.name)
        : Promise.resolve(null),
      this.followedLog.readOn()
    ]);
    // A restart meanwhile makes this answer about the previous run.
    if (environment !== null && generation === this._generation) {
      this._update(environment);
    }
  }

  protected readLog(offset: number): Promise<IEnvironmentLog> {
    return this._client.readEnvironmentLog(this.name, offset);
  }

  /**
   * Whether an install runs, as far as this state knows.
   */
  private get _installing(): boolean {
    return this._environment.state === 'installing';
  }

  private _update(environment: IEnvironment): void {
    const ended = this._installing && environment.state !== 'installing';
    this._environment = environment;
    this._environmentChanged.emit(environment);
    if (ended) {
      this._installEnded.emit(environment);
    }
  }

  private _client: IMLXClient;
  private _environment: IEnvironment;
  private _environmentChanged = new Signal<this, IEnvironment>(this);
  private _generation = 0;
  private _installEnded = new Signal<this, IEnvironment>(this);
}

/**
 * Types of `EnvironmentLogState`.
 */
export namespace EnvironmentLogState {
  /**
   * Options of an environment log state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The environment, as last seen.
     */
    environment: IEnvironment;
    /**
     * Seconds between two refreshes once nothing runs.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes while an install runs or the log is
     * read.
     */
    activeRefreshInterval?: number;
  }
}
