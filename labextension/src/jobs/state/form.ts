import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type { IJobRun, INotebookParametersResponse } from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import {
  type FormErrors,
  type IJobFormDraft,
  type ParameterDraft,
  buildRequest,
  errorField,
  formFields,
  initialDraft,
  parameterField
} from '../form';

/**
 * The run options a user edits, by their draft key.
 */
export type JobFormOption = Exclude<
  keyof IJobFormDraft,
  'parameters' | 'unreadable'
>;

/**
 * The wire field of each option (errors are keyed by it).
 */
const OPTION_WIRE_FIELDS: Record<JobFormOption, string> = {
  kernel: 'kernel',
  timeout: 'timeout',
  retries: 'retries',
  retryBackoff: 'retry_backoff',
  html: 'output_formats',
  experiment: 'experiment'
};

/**
 * The "Run with Parameters" form of one notebook: the notebook's parameters
 * and kernels, what the user typed, the errors to show beside each field,
 * and the submission.
 *
 * A field's own error shows once it was edited, or after a submit; the
 * server's error about a field shows beside it until the field changes.
 */
export class JobFormState implements IDisposable {
  /**
   * @param options - The client, the notebook and the translation bundle.
   */
  constructor(options: JobFormState.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
    this.path = options.path;
  }

  /**
   * Server path of the notebook to run.
   */
  readonly path: string;

  /**
   * Emitted whenever anything the form shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The notebook's parameters and kernels, or `null` before they arrived.
   */
  get parameters(): INotebookParametersResponse | null {
    return this._parameters;
  }

  /**
   * Why the parameters could not be read, or `null`.
   */
  get loadError(): string | null {
    return this._loadError;
  }

  /**
   * What the form holds, or `null` before the parameters arrived.
   */
  get draft(): IJobFormDraft | null {
    return this._draft;
  }

  /**
   * The errors to show, by wire field name (`parameters.<name>`, `timeout`,
   * ...).
   */
  get errors(): FormErrors {
    if (this._parameters === null || this._draft === null) {
      return {};
    }
    const own = buildRequest(this._parameters, this._draft, this._trans).errors;
    const shown: FormErrors = {};
    for (const [field, message] of Object.entries(own)) {
      if (this._attempted || this._touched.has(field)) {
        shown[field] = message;
      }
    }
    return { ...this._serverErrors, ...shown };
  }

  /**
   * The server's message about the run as a whole, or `null`.
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
   * The run the form created, or `null`.
   */
  get created(): IJobRun | null {
    return this._created;
  }

  /**
   * Whether the form is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Fetch the notebook's parameters. Never rejects: a failure is reported
   * through `loadError`.
   */
  async load(): Promise<void> {
    this._loadError = null;
    this._emit();
    try {
      const parameters = await this._client.getNotebookParameters(this.path);
      this._parameters = parameters;
      this._draft = initialDraft(parameters);
    } catch (reason) {
      this._loadError = (reason as Error).message ?? String(reason);
    }
    this._emit();
  }

  /**
   * Change a parameter's draft.
   *
   * @param unreadable - Whether the browser cannot read the number typed.
   */
  setParameter(name: string, value: ParameterDraft, unreadable = false): void {
    if (this._draft === null) {
      return;
    }
    const field = parameterField(name);
    this._draft = {
      ...this._draft,
      parameters: { ...this._draft.parameters, [name]: value },
      unreadable: this._flag(field, unreadable)
    };
    this._edited(field);
  }

  /**
   * Change a run option's draft.
   *
   * @param unreadable - Whether the browser cannot read the number typed.
   */
  setOption<K extends JobFormOption>(
    key: K,
    value: IJobFormDraft[K],
    unreadable = false
  ): void {
    if (this._draft === null) {
      return;
    }
    const field = OPTION_WIRE_FIELDS[key];
    this._draft = {
      ...this._draft,
      [key]: value,
      unreadable: this._flag(field, unreadable)
    };
    this._edited(field);
  }

  /**
   * Check the form and create the run. Never rejects.
   *
   * @returns The created run, or `null` when the form has errors or the
   * server refused it (its errors are then shown beside their fields).
   */
  async submit(): Promise<IJobRun | null> {
    if (this._created !== null) {
      return this._created;
    }
    if (this._parameters === null || this._draft === null || this._submitting) {
      return null;
    }
    this._attempted = true;
    const { request } = buildRequest(
      this._parameters,
      this._draft,
      this._trans
    );
    if (request === null) {
      this._emit();
      return null;
    }
    // The same request sent again (after a network failure) keeps its key,
    // so the server answers the run it may have created already.
    const body = JSON.stringify(request);
    if (this._keyedBody !== body) {
      this._keyedBody = body;
      this._idempotencyKey = UUID.uuid4();
    }
    this._submitting = true;
    this._message = null;
    this._serverErrors = {};
    this._emit();
    try {
      this._created = await this._client.createJobRun({
        ...request,
        idempotency_key: this._idempotencyKey
      });
      return this._created;
    } catch (reason) {
      this._report(reason);
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
   * Show a refusal beside the field it names, or as the form's message.
   */
  private _report(reason: unknown): void {
    const message = (reason as Error).message ?? String(reason);
    const { status, field } = describeFailure(reason);
    const target =
      status === 400 && this._parameters !== null
        ? errorField(field, formFields(this._parameters))
        : null;
    if (target === null) {
      this._message = message;
    } else {
      this._serverErrors = { [target]: message };
    }
  }

  private _edited(field: string): void {
    this._touched.add(field);
    if (field in this._serverErrors) {
      this._serverErrors = Object.fromEntries(
        Object.entries(this._serverErrors).filter(([key]) => key !== field)
      );
    }
    this._emit();
  }

  private _flag(field: string, unreadable: boolean): string[] {
    const others = (this._draft?.unreadable ?? []).filter(
      name => name !== field
    );
    return unreadable ? [...others, field] : others;
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _attempted = false;
  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _created: IJobRun | null = null;
  private _draft: IJobFormDraft | null = null;
  private _idempotencyKey = '';
  private _isDisposed = false;
  private _keyedBody: string | null = null;
  private _loadError: string | null = null;
  private _message: string | null = null;
  private _parameters: INotebookParametersResponse | null = null;
  private _serverErrors: FormErrors = {};
  private _submitting = false;
  private _touched = new Set<string>();
  private _trans: TranslationBundle;
}

/**
 * Types of `JobFormState`.
 */
export namespace JobFormState {
  /**
   * Options of a form state.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * Server path of the notebook to run.
     */
    path: string;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
