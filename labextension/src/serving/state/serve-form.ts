import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type { ICreateEndpointRequest, IEndpoint } from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import {
  defaultEndpointName,
  ENDPOINT_NAME_PATTERN,
  MAX_ENDPOINT_NAME_LENGTH
} from '../endpoint';

/**
 * The fields of the Serve form, as typed.
 */
export interface IServeDraft {
  /**
   * The endpoint's name.
   */
  name: string;
  /**
   * The model served.
   */
  model_uri: string;
  /**
   * The local port; empty: a free one.
   */
  port: string;
}

/**
 * A field of the form (the wire field it sends).
 */
export type ServeFormField = keyof IServeDraft;

/**
 * Messages to show beside the form's fields.
 */
export type ServeFormErrors = Partial<Record<ServeFormField, string>>;

/**
 * Highest TCP port.
 */
const MAX_PORT = 65535;

/**
 * The Serve form: the endpoint's name (by default the model's), the model
 * URI and an optional port; its own errors show once submitted, the
 * server's beside the field it names until that field changes.
 */
export class ServeFormState implements IDisposable {
  /**
   * @param options - The client, the model and name proposed, the
   * translation bundle.
   */
  constructor(options: ServeFormState.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
    const modelUri = options.modelUri ?? '';
    this._draft = {
      name: options.name ?? (modelUri ? defaultEndpointName(modelUri) : ''),
      model_uri: modelUri,
      port: ''
    };
  }

  /**
   * Emitted whenever anything the form shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * What the form holds.
   */
  get draft(): Readonly<IServeDraft> {
    return this._draft;
  }

  /**
   * The errors to show, by field.
   */
  get errors(): ServeFormErrors {
    const own = this._attempted ? this._ownErrors() : {};
    return { ...own, ...this._serverErrors };
  }

  /**
   * The server's refusal about no field of the form, or `null`.
   */
  get message(): string | null {
    return this._message;
  }

  /**
   * Whether a submission is in flight.
   */
  get submitting(): boolean {
    return this._submitting;
  }

  /**
   * The endpoint created, or `null`.
   */
  get created(): IEndpoint | null {
    return this._created;
  }

  /**
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Change a field.
   */
  set(field: ServeFormField, value: string): void {
    this._draft = { ...this._draft, [field]: value };
    if (field in this._serverErrors) {
      const others = { ...this._serverErrors };
      delete others[field];
      this._serverErrors = others;
    }
    this._emit();
  }

  /**
   * The request the form sends.
   */
  request(): ICreateEndpointRequest {
    const request: ICreateEndpointRequest = {
      name: this._draft.name.trim(),
      model_uri: this._draft.model_uri.trim()
    };
    const port = this._draft.port.trim();
    if (port) {
      request.port = Number(port);
    }
    return request;
  }

  /**
   * Create the endpoint, unless the form has errors.
   *
   * @returns The endpoint (`starting`), or `null` when the form has errors
   * or the server refused it (its errors then show beside their fields).
   */
  async submit(): Promise<IEndpoint | null> {
    if (this._submitting) {
      return null;
    }
    this._attempted = true;
    this._serverErrors = {};
    this._message = null;
    if (Object.keys(this._ownErrors()).length > 0) {
      this._emit();
      return null;
    }
    this._submitting = true;
    this._emit();
    try {
      this._created = await this._client.createEndpoint(this.request());
      return this._created;
    } catch (reason) {
      const message = reason instanceof Error ? reason.message : String(reason);
      const { field, status } = describeFailure(reason);
      if (field === 'name' || field === 'model_uri' || field === 'port') {
        this._serverErrors = { [field]: message };
      } else if (status === 409) {
        this._serverErrors = { name: message };
      } else {
        this._message = message;
      }
      return null;
    } finally {
      this._submitting = false;
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

  /**
   * The form's own errors: a valid name, a model URI, a port when given.
   */
  private _ownErrors(): ServeFormErrors {
    const trans = this._trans;
    const errors: ServeFormErrors = {};
    const name = this._draft.name.trim();
    if (!name) {
      errors.name = trans.__('Name the endpoint.');
    } else if (name.length > MAX_ENDPOINT_NAME_LENGTH) {
      errors.name = trans.__(
        'At most %1 characters.',
        MAX_ENDPOINT_NAME_LENGTH
      );
    } else if (!ENDPOINT_NAME_PATTERN.test(name)) {
      errors.name = trans.__(
        'Letters, digits, ".", "_" and "-" only, starting with a letter or a digit.'
      );
    }
    if (!this._draft.model_uri.trim()) {
      errors.model_uri = trans.__(
        'Give the model to serve, e.g. models:/churn@champion.'
      );
    }
    const port = this._draft.port.trim();
    if (port) {
      const value = Number(port);
      if (!Number.isInteger(value) || value < 1 || value > MAX_PORT) {
        errors.port = trans.__(
          'A port from 1 to %1, or empty for a free one.',
          MAX_PORT
        );
      }
    }
    return errors;
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _attempted = false;
  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _created: IEndpoint | null = null;
  private _draft: IServeDraft;
  private _isDisposed = false;
  private _message: string | null = null;
  private _serverErrors: ServeFormErrors = {};
  private _submitting = false;
  private _trans: TranslationBundle;
}

/**
 * Types of `ServeFormState`.
 */
export namespace ServeFormState {
  /**
   * Options of the form.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The model proposed.
     */
    modelUri?: string;
    /**
     * The name proposed; default: the model's.
     */
    name?: string;
  }
}
