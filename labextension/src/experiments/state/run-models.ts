import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type { IDescribeRun, IRunModel } from '../../api/types';
import type { IMLXClient } from '../../tokens';

/**
 * The models a run holds (LoggedModels and MLmodel folders), read again when
 * the run ends or logs another model.
 */
export class RunModelsState implements IDisposable {
  /**
   * @param options - The client and the run.
   */
  constructor(options: { client: IMLXClient; runId: string }) {
    this._client = options.client;
    this.runId = options.runId;
  }

  /**
   * Id of the run.
   */
  readonly runId: string;

  /**
   * Emitted whenever the models or the error change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The run's models, or `null` before the first answer.
   */
  get models(): ReadonlyArray<IRunModel> | null {
    return this._models;
  }

  /**
   * Why the models cannot be read, or `null`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Read the models again when the run (as last read) changed its status or
   * its logged models. Never rejects: a failure is reported through `error`.
   */
  async sync(run: IDescribeRun | null): Promise<void> {
    if (run === null) {
      return;
    }
    const key = `${run.status}|${run.models.map(m => m.model_id).join(',')}`;
    if (key === this._key) {
      return;
    }
    this._key = key;
    try {
      this._models = (await this._client.listRunModels(this.runId)).models;
      this._error = null;
    } catch (reason) {
      this._error = reason instanceof Error ? reason.message : String(reason);
    }
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _error: string | null = null;
  private _isDisposed = false;
  private _key: string | null = null;
  private _models: IRunModel[] | null = null;
}
