import { type ISignal, Signal } from '@lumino/signaling';

import type { IEnvironment, ISpecProblem } from '../../api/types';
import { PolledState } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import { DEFAULT_ACTIVE_INTERVAL, EnvironmentLogState } from './log';

/**
 * What the user asked of an environment that has not been answered yet.
 */
export type EnvironmentAction = 'locking' | 'installing' | 'removing';

/**
 * The environments of the workspace, as the Environments section lists
 * them: each environment by name, the specs that cannot be read, what is
 * being done to each, and the logs shown.
 *
 * The list refreshes every `refreshInterval` seconds while shown. Each log
 * shown is an `EnvironmentLogState` of its own, which follows an install
 * every `activeRefreshInterval` seconds (shown or not, so that its end is
 * seen) and updates the environment in the list. The log of an environment
 * seen installing is shown without being asked for.
 */
export class EnvironmentsState extends PolledState {
  /**
   * @param options - The client and refresh intervals.
   */
  constructor(options: EnvironmentsState.IOptions) {
    super({
      name: 'jupyter-mlx:environments',
      refreshInterval: options.refreshInterval,
      activeRefreshInterval:
        options.activeRefreshInterval ?? DEFAULT_ACTIVE_INTERVAL
    });
    this._client = options.client;
  }

  /**
   * The environments, by name.
   */
  get environments(): ReadonlyArray<IEnvironment> {
    return this._environments;
  }

  /**
   * The specs found that cannot be read, each with why.
   */
  get problems(): ReadonlyArray<ISpecProblem> {
    return this._problems;
  }

  /**
   * The environment to point out (the one just created), or `null`.
   */
  get highlighted(): string | null {
    return this._highlighted;
  }

  /**
   * Emitted with an environment when an install seen running has ended.
   */
  get installEnded(): ISignal<this, IEnvironment> {
    return this._installEnded;
  }

  /**
   * Seconds between two refreshes of a log while an install runs (made
   * valid like `refreshInterval`); the logs shown follow it.
   */
  get activeRefreshInterval(): number {
    return super.activeRefreshInterval;
  }
  set activeRefreshInterval(seconds: number) {
    super.activeRefreshInterval = seconds;
    for (const log of this._logs.values()) {
      log.activeRefreshInterval = seconds;
    }
  }

  /**
   * The environment of a name, or `null`.
   */
  find(name: string): IEnvironment | null {
    return this._environments.find(shown => shown.name === name) ?? null;
  }

  /**
   * What is being done to an environment, or `null`.
   */
  busy(name: string): EnvironmentAction | null {
    return this._busy.get(name) ?? null;
  }

  /**
   * Mark an environment as being locked, installed or removed (`null`:
   * done).
   */
  setBusy(name: string, action: EnvironmentAction | null): void {
    if (action === null) {
      this._busy.delete(name);
    } else {
      this._busy.set(name, action);
    }
    this.emitChanged();
  }

  /**
   * Why the last lock or install asked from this page failed (the server's
   * message), or `null`.
   */
  failure(name: string): string | null {
    return this._failures.get(name) ?? null;
  }

  /**
   * Keep why a lock or install failed, to show it with the environment
   * (`null`: forget it, when another is asked for).
   */
  setFailure(name: string, message: string | null): void {
    if (message === null) {
      this._failures.delete(name);
    } else {
      this._failures.set(name, message);
    }
    this.emitChanged();
  }

  /**
   * Point out an environment in the list.
   */
  highlight(name: string | null): void {
    this._highlighted = name;
    this.emitChanged();
  }

  /**
   * Show an environment's newer state (after an action) without waiting for
   * the next refresh.
   */
  upsert(environment: IEnvironment): void {
    const others = this._environments.filter(
      shown => shown.name !== environment.name
    );
    this._environments = byName([...others, environment]);
    this.emitChanged();
  }

  /**
   * Take a removed environment out of the list, with its log.
   */
  remove(name: string): void {
    this._environments = this._environments.filter(
      environment => environment.name !== name
    );
    this._busy.delete(name);
    this._failures.delete(name);
    this.hideLog(name);
    this.emitChanged();
  }

  /**
   * The log shown of an environment, or `null`.
   */
  logOf(name: string): EnvironmentLogState | null {
    return this._logs.get(name) ?? null;
  }

  /**
   * Show an environment's log, read from its start.
   *
   * @returns The log's state, started.
   */
  showLog(environment: IEnvironment): EnvironmentLogState {
    let log = this._logs.get(environment.name);
    if (!log) {
      log = new EnvironmentLogState({
        client: this._client,
        environment,
        refreshInterval: this.refreshInterval,
        activeRefreshInterval: this.activeRefreshInterval
      });
      log.environmentChanged.connect(this._onLogEnvironment, this);
      log.installEnded.connect(this._onInstallEnded, this);
      this._logs.set(environment.name, log);
      void log.start();
      this.emitChanged();
    }
    return log;
  }

  /**
   * Stop showing an environment's log.
   */
  hideLog(name: string): void {
    const log = this._logs.get(name);
    if (log) {
      this._logs.delete(name);
      log.dispose();
      this.emitChanged();
    }
  }

  /**
   * Show an environment the server has just answered a lock or an install
   * with. An install's log is shown and followed from its start; a log
   * shown already is read again from its start.
   */
  follow(environment: IEnvironment): void {
    this.upsert(environment);
    const shown = this._logs.get(environment.name);
    if (shown) {
      void shown.restart(environment);
    } else if (environment.state === 'installing') {
      this.showLog(environment);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    for (const log of this._logs.values()) {
      log.dispose();
    }
    this._logs.clear();
    super.dispose();
  }

  /**
   * The list itself never runs anything: the logs follow the installs.
   */
  protected get live(): boolean {
    return false;
  }

  /**
   * Fetch the environments and the unreadable specs; show the log of those
   * installing, drop the logs of those gone.
   *
   * @throws {MLXResponseError} the server's errors.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  protected async load(): Promise<void> {
    const answer = await this._client.listEnvironments();
    this._environments = byName(answer.environments);
    this._problems = answer.problems;
    const names = new Set(answer.environments.map(shown => shown.name));
    for (const name of [...this._logs.keys()]) {
      if (!names.has(name)) {
        this.hideLog(name);
      }
    }
    for (const environment of answer.environments) {
      if (environment.state !== 'installing') {
        continue;
      }
      const shown = this._logs.get(environment.name);
      if (!shown) {
        this.showLog(environment);
      } else if (shown.environment.state !== 'installing') {
        // An install started elsewhere (the CLI, another page).
        void shown.restart(environment);
      }
    }
  }

  private _onLogEnvironment(
    log: EnvironmentLogState,
    environment: IEnvironment
  ): void {
    if (this.find(environment.name) !== null) {
      this.upsert(environment);
    }
  }

  private _onInstallEnded(
    log: EnvironmentLogState,
    environment: IEnvironment
  ): void {
    this._installEnded.emit(environment);
  }

  private _busy = new Map<string, EnvironmentAction>();
  private _client: IMLXClient;
  private _environments: IEnvironment[] = [];
  private _failures = new Map<string, string>();
  private _highlighted: string | null = null;
  private _installEnded = new Signal<this, IEnvironment>(this);
  private _logs = new Map<string, EnvironmentLogState>();
  private _problems: ISpecProblem[] = [];
}

/**
 * Types of `EnvironmentsState`.
 */
export namespace EnvironmentsState {
  /**
   * Options of an environments state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Seconds between two refreshes of the list.
     */
    refreshInterval?: number;
    /**
     * Seconds between two refreshes of a log while an install runs.
     */
    activeRefreshInterval?: number;
  }
}

/**
 * Environments sorted by name.
 */
function byName(environments: IEnvironment[]): IEnvironment[] {
  return [...environments].sort((a, b) => a.name.localeCompare(b.name));
}
