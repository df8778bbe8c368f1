import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type {
  EnvironmentFlavour,
  ICreateEnvironmentRequest,
  IEnvironment
} from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import {
  ENVIRONMENT_NAME_PATTERN,
  MAX_NAME_LENGTH,
  type ISpecFields,
  specTemplate,
  splitLines
} from '../spec';

/**
 * The fields of the "New environment" form, as typed (one item a line).
 */
export interface IEnvironmentDraft {
  /**
   * The environment's name.
   */
  name: string;
  /**
   * How it is declared.
   */
  flavour: EnvironmentFlavour;
  /**
   * Channels, one a line.
   */
  channels: string;
  /**
   * Conda match specs (pip flavour: requirements), one a line.
   */
  dependencies: string;
  /**
   * Pip requirements of a conda spec, one a line.
   */
  pip: string;
}

/**
 * A field of the form (the wire field it sends).
 */
export type EnvironmentFormField = keyof IEnvironmentDraft;

/**
 * Messages to show beside the form's fields.
 */
export type EnvironmentFormErrors = Partial<
  Record<EnvironmentFormField, string>
>;

/**
 * How a spec is created: from the form's fields, or as a file to edit.
 */
export type EnvironmentFormMode = 'fields' | 'file';

/**
 * What the form created: the environment, and whether it was written as a
 * file to edit.
 */
export interface IEnvironmentFormResult {
  /**
   * The environment created.
   */
  environment: IEnvironment;
  /**
   * How it was created.
   */
  mode: EnvironmentFormMode;
}

/**
 * The fields the form has.
 */
const FORM_FIELDS: ReadonlyArray<EnvironmentFormField> = [
  'name',
  'flavour',
  'channels',
  'dependencies',
  'pip'
];

/**
 * The "New environment" form: what the user typed, the errors to show beside
 * each field, and its submission.
 *
 * A field's own error shows once the form was submitted; the server's error
 * about a field shows beside it until the field changes.
 */
export class EnvironmentFormState implements IDisposable {
  /**
   * @param options - The client and the translation bundle.
   */
  constructor(options: EnvironmentFormState.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
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
  get draft(): Readonly<IEnvironmentDraft> {
    return this._draft;
  }

  /**
   * The errors to show, by field.
   */
  get errors(): EnvironmentFormErrors {
    const shown: EnvironmentFormErrors = this._attempted
      ? this._ownErrors(this._attemptedMode)
      : {};
    return { ...shown, ...this._serverErrors };
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
   * What the form created, or `null`.
   */
  get created(): IEnvironmentFormResult | null {
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
  set<K extends EnvironmentFormField>(
    field: K,
    value: IEnvironmentDraft[K]
  ): void {
    this._draft = { ...this._draft, [field]: value };
    if (field in this._serverErrors) {
      const others = { ...this._serverErrors };
      delete others[field];
      this._serverErrors = others;
    }
    this._emit();
  }

  /**
   * The request that creates the spec from the form's fields, or, in
   * `file` mode, as the text of a file to edit (a template filled with the
   * fields given).
   */
  request(mode: EnvironmentFormMode): ICreateEnvironmentRequest {
    const fields = this._fields();
    if (mode === 'file') {
      return {
        name: fields.name,
        flavour: fields.flavour,
        content: specTemplate(fields)
      };
    }
    const request: ICreateEnvironmentRequest = {
      name: fields.name,
      flavour: fields.flavour,
      dependencies: [...fields.dependencies]
    };
    if (fields.flavour === 'conda') {
      request.channels = [...fields.channels];
      request.pip = [...fields.pip];
    }
    return request;
  }

  /**
   * Create the environment's spec, unless the form has errors.
   *
   * @param mode - From the fields, or as a file to edit.
   * @returns What was created, or `null` when the form has errors or the
   * server refused it (its errors are then shown beside their fields).
   */
  async submit(
    mode: EnvironmentFormMode
  ): Promise<IEnvironmentFormResult | null> {
    if (this._submitting) {
      return null;
    }
    this._attempted = true;
    this._attemptedMode = mode;
    this._serverErrors = {};
    this._message = null;
    if (Object.keys(this._ownErrors(mode)).length > 0) {
      this._emit();
      return null;
    }
    this._submitting = true;
    this._emit();
    try {
      const environment = await this._client.createEnvironment(
        this.request(mode)
      );
      this._created = { environment, mode };
      return this._created;
    } catch (reason) {
      this._refused(reason);
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
   * The form's own errors: a valid name, and some dependency unless a file
   * is written (its template has some).
   */
  private _ownErrors(mode: EnvironmentFormMode): EnvironmentFormErrors {
    const trans = this._trans;
    const errors: EnvironmentFormErrors = {};
    const name = this._draft.name.trim();
    if (!name) {
      errors.name = trans.__('Name the environment.');
    } else if (name.length > MAX_NAME_LENGTH) {
      errors.name = trans.__('At most %1 characters.', MAX_NAME_LENGTH);
    } else if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
      errors.name = trans.__(
        'Letters, digits, ".", "_" and "-" only, starting with a letter or a digit.'
      );
    }
    if (
      mode === 'fields' &&
      splitLines(this._draft.dependencies).length === 0
    ) {
      errors.dependencies =
        this._draft.flavour === 'pip'
          ? trans.__('List at least one requirement.')
          : trans.__('List at least one dependency.');
    }
    return errors;
  }

  /**
   * The fields, read: lines split, the name trimmed.
   */
  private _fields(): ISpecFields {
    const draft = this._draft;
    return {
      name: draft.name.trim(),
      flavour: draft.flavour,
      channels: splitLines(draft.channels),
      dependencies: splitLines(draft.dependencies),
      pip: splitLines(draft.pip)
    };
  }

  /**
   * Show a refusal beside the field it names (`dependencies.2` is the
   * dependencies field), or as the form's message.
   */
  private _refused(reason: unknown): void {
    const message = reason instanceof Error ? reason.message : String(reason);
    const { field } = describeFailure(reason);
    const formField = FORM_FIELDS.find(
      known => field === known || field?.startsWith(`${known}.`)
    );
    if (formField) {
      this._serverErrors = { [formField]: message };
    } else {
      this._message = message;
    }
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _attempted = false;
  private _attemptedMode: EnvironmentFormMode = 'fields';
  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _created: IEnvironmentFormResult | null = null;
  private _draft: IEnvironmentDraft = {
    name: '',
    flavour: 'conda',
    channels: '',
    dependencies: '',
    pip: ''
  };
  private _isDisposed = false;
  private _message: string | null = null;
  private _serverErrors: EnvironmentFormErrors = {};
  private _submitting = false;
  private _trans: TranslationBundle;
}

/**
 * Types of `EnvironmentFormState`.
 */
export namespace EnvironmentFormState {
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
  }
}
