import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type { IInvocation } from '../../api/types';
import type { IMLXClient } from '../../tokens';
import { curlCommand } from '../endpoint';

/**
 * The "Try it" box of an endpoint: the request typed (prefilled with the
 * model's input example), the answer of the last one sent with its latency,
 * and the `curl` command sending the same request.
 */
export class TryItState implements IDisposable {
  /**
   * @param options - The client and the endpoint.
   */
  constructor(options: TryItState.IOptions) {
    this._client = options.client;
    this.name = options.name;
  }

  /**
   * The endpoint.
   */
  readonly name: string;

  /**
   * Emitted whenever anything the box shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The request, as JSON text.
   */
  get request(): string {
    return this._request;
  }
  set request(request: string) {
    this._request = request;
    this._edited = true;
    this._emit();
  }

  /**
   * Whether a request is in flight.
   */
  get sending(): boolean {
    return this._sending;
  }

  /**
   * The answer to the last request sent, or `null`.
   */
  get answer(): IInvocation | null {
    return this._answer;
  }

  /**
   * Why the last request got no answer (the server unreachable), or `null`.
   */
  get failure(): string | null {
    return this._failure;
  }

  /**
   * The `curl` command sending the request through Jupyter's proxy.
   */
  get curl(): string {
    return curlCommand(this._client.endpointUrl(this.name), this._request);
  }

  /**
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Prefill the request with the model's example, unless the user typed
   * one.
   */
  prefill(example: Record<string, unknown> | null): void {
    if (this._edited || example === null) {
      return;
    }
    const text = JSON.stringify(example, null, 2);
    if (text !== this._request) {
      this._request = text;
      this._emit();
    }
  }

  /**
   * Send the request to the endpoint. Never rejects: the answer (an error
   * status too) is `answer`, a network failure `failure`.
   */
  async send(): Promise<void> {
    if (this._sending || this._isDisposed) {
      return;
    }
    this._sending = true;
    this._failure = null;
    this._emit();
    try {
      this._answer = await this._client.invokeEndpoint(
        this.name,
        this._request
      );
    } catch (reason) {
      this._answer = null;
      this._failure = reason instanceof Error ? reason.message : String(reason);
    } finally {
      this._sending = false;
      this._emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _answer: IInvocation | null = null;
  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _edited = false;
  private _failure: string | null = null;
  private _isDisposed = false;
  private _request = '';
  private _sending = false;
}

/**
 * Types of `TryItState`.
 */
export namespace TryItState {
  /**
   * Options of the box.
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
  }
}
