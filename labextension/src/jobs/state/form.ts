import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type {
  IEnvironment,
  IJobDefinition,
  IJobRun,
  INotebookParametersResponse,
  ISweep
} from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';
import {
  type FormErrors,
  type IJobFormDraft,
  type ParameterDraft,
  errorField,
  initialDraft,
  parameterField
} from '../form';
import {
  type IScheduleDraft,
  buildSchedule,
  initialScheduleDraft
} from '../schedule';
import {
  type IFormDrafts,
  type Submission,
  buildSubmission,
  formFieldOf,
  formFields
} from '../submission';
import {
  type ISweepDraft,
  type ISweptParameterDraft,
  buildSweep,
  gridSize,
  initialSweepDraft,
  newSweptDraft,
  sweptNames
} from '../sweep';
import { SchedulePreviewState } from './schedule-preview';

/**
 * The run options a user edits, by their draft key.
 */
export type JobFormOption = Exclude<
  keyof IJobFormDraft,
  'parameters' | 'unreadable'
>;

/**
 * The sweep options a user edits, by their draft key.
 */
export type SweepFormOption = Exclude<keyof ISweepDraft, 'parameters'>;

/**
 * The wire field of each option (errors are keyed by it).
 */
const OPTION_WIRE_FIELDS: Record<JobFormOption, string> = {
  kernel: 'kernel',
  environment: 'environment',
  installEnvironment: 'install_environment',
  inputs: 'inputs',
  timeout: 'timeout',
  retries: 'retries',
  retryBackoff: 'retry_backoff',
  html: 'output_formats',
  experiment: 'experiment'
};

/**
 * The wire field of each sweep option.
 */
const SWEEP_WIRE_FIELDS: Record<SweepFormOption, string> = {
  strategy: 'sweep.strategy',
  trials: 'sweep.trials',
  metric: 'sweep.metric',
  direction: 'sweep.direction',
  maxConcurrent: 'sweep.max_concurrent_runs'
};

/**
 * The wire field of each schedule draft key: the preset and its parts all
 * make the cron expression.
 */
const SCHEDULE_WIRE_FIELDS: Record<keyof IScheduleDraft, string> = {
  name: 'name',
  preset: 'cron',
  time: 'cron',
  weekday: 'cron',
  monthDay: 'cron',
  cron: 'cron',
  timezone: 'timezone',
  catchup: 'catchup',
  maxConcurrent: 'max_concurrent_runs',
  notify: 'notify',
  webhookUrl: 'webhook_url',
  webhookEvents: 'webhook_events'
};

/**
 * What a form created.
 */
export type JobFormResult =
  /** A run (the run form). */
  | { kind: 'run'; run: IJobRun }
  /** A sweep (the run form with swept parameters). */
  | { kind: 'sweep'; sweep: ISweep }
  /** A definition, created or changed (the schedule form). */
  | { kind: 'job'; job: IJobDefinition };

/**
 * The form of one notebook's job: "Run with Parameters" (a run, or a sweep
 * when a parameter is swept) or "Schedule" (a job definition, new or
 * edited). It holds the notebook's parameters and kernels, what the user
 * typed, the errors to show beside each field, the schedule's preview and
 * the submission.
 *
 * A field's own error shows once it was edited, or after a submit; the
 * server's error about a field shows beside it until the field changes.
 */
export class JobFormState implements IDisposable {
  /**
   * @param options - The client, the notebook, what the form makes and the
   * translation bundle.
   */
  constructor(options: JobFormState.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
    this.path = options.path;
    this.definition = options.definition ?? null;
    this.scheduling = options.scheduling ?? this.definition !== null;
    this.preview = this.scheduling
      ? new SchedulePreviewState({ client: options.client })
      : null;
    this.preview?.changed.connect(this._emit, this);
  }

  /**
   * Server path of the notebook.
   */
  readonly path: string;

  /**
   * Whether the form makes a job definition (with a schedule), not a run.
   */
  readonly scheduling: boolean;

  /**
   * The definition edited, or `null` for a new one (or a run).
   */
  readonly definition: IJobDefinition | null;

  /**
   * The preview of the schedule typed; `null` in the run form.
   */
  readonly preview: SchedulePreviewState | null;

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
   * The workspace's environments a run may execute on, by name; `null`
   * before they arrived, or when the server cannot list them (a server
   * without environments: the form then offers kernels only).
   */
  get environments(): ReadonlyArray<IEnvironment> | null {
    return this._environments;
  }

  /**
   * The parameters' values and run options, or `null` before the
   * parameters arrived.
   */
  get draft(): IJobFormDraft | null {
    return this._drafts?.form ?? null;
  }

  /**
   * The swept parameters and sweep options, or `null` before the parameters
   * arrived.
   */
  get sweep(): ISweepDraft | null {
    return this._drafts?.sweep ?? null;
  }

  /**
   * The schedule, or `null` in the run form (and before the parameters
   * arrived).
   */
  get schedule(): IScheduleDraft | null {
    return this._drafts?.schedule ?? null;
  }

  /**
   * Whether a parameter is swept: the form then makes a sweep.
   */
  get sweeping(): boolean {
    return this._drafts !== null && sweptNames(this._drafts.sweep).size > 0;
  }

  /**
   * How many runs the grid makes; `null` for another strategy or a sweep
   * not fully typed yet.
   */
  get gridSize(): number | null {
    if (this._parameters === null || this._drafts?.sweep.strategy !== 'grid') {
      return null;
    }
    const { sweep } = buildSweep(
      this._parameters,
      this._drafts.sweep,
      this._trans
    );
    return sweep === null ? null : gridSize(sweep.parameters);
  }

  /**
   * The errors to show, by wire field name (`parameters.<name>`, `timeout`,
   * `sweep.trials`, `cron`, ...).
   */
  get errors(): FormErrors {
    if (this._parameters === null || this._drafts === null) {
      return {};
    }
    const own = buildSubmission(
      this._parameters,
      this._drafts,
      this._trans,
      this.definition
    ).errors;
    const shown: FormErrors = {};
    for (const [field, message] of Object.entries(own)) {
      if (this._attempted || this._touched.has(field)) {
        shown[field] = message;
      }
    }
    const previewError = this.preview?.error;
    const preview: FormErrors =
      previewError?.field && !(previewError.field in shown)
        ? { [previewError.field]: previewError.message }
        : {};
    return { ...preview, ...this._serverErrors, ...shown };
  }

  /**
   * The server's message about the form as a whole, or `null`.
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
  get created(): JobFormResult | null {
    return this._created;
  }

  /**
   * Whether the form is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Fetch the notebook's parameters and the workspace's environments. Never
   * rejects: a failure to read the parameters is reported through
   * `loadError`; without environments the form offers kernels only.
   */
  async load(): Promise<void> {
    this._loadError = null;
    this._emit();
    const environments = this._loadEnvironments();
    try {
      const parameters = await this._client.getNotebookParameters(this.path);
      this._environments = await environments;
      const definition = this.definition;
      this._parameters = parameters;
      this._drafts = {
        form: initialDraft(parameters, definition),
        sweep: initialSweepDraft(parameters, definition?.sweep ?? null),
        schedule: this.scheduling ? initialScheduleDraft(definition) : null
      };
      this._updatePreview();
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
    const form = this._drafts?.form;
    if (!form) {
      return;
    }
    const field = parameterField(name);
    this._setDrafts({
      form: {
        ...form,
        parameters: { ...form.parameters, [name]: value },
        unreadable: this._flag(field, unreadable)
      }
    });
    this._edited(field);
  }

  /**
   * Change a run option's draft. Choosing an environment clears the kernel
   * (the environment's own runs the notebook), and choosing a kernel clears
   * the environment; leaving the environment brings the default kernel back.
   *
   * @param unreadable - Whether the browser cannot read the number typed.
   */
  setOption<K extends JobFormOption>(
    key: K,
    value: IJobFormDraft[K],
    unreadable = false
  ): void {
    const form = this._drafts?.form;
    if (!form) {
      return;
    }
    const field = OPTION_WIRE_FIELDS[key];
    const changed: IJobFormDraft = {
      ...form,
      [key]: value,
      unreadable: this._flag(field, unreadable)
    };
    if (key === 'environment') {
      changed.kernel = value ? '' : this._parameters?.default_kernel || '';
      changed.installEnvironment = false;
    } else if (key === 'kernel' && value) {
      changed.environment = '';
      changed.installEnvironment = false;
    }
    this._setDrafts({ form: changed });
    if (key === 'environment' || key === 'kernel') {
      this._clearServerError(key === 'kernel' ? 'environment' : 'kernel');
    }
    this._edited(field);
  }

  /**
   * Switch a parameter between its fixed value and sweep mode; its draft in
   * the other mode is kept.
   */
  toggleSweep(name: string): void {
    const spec = this._parameters?.parameters.find(p => p.name === name);
    const drafts = this._drafts;
    if (!spec || !drafts) {
      return;
    }
    const current = drafts.sweep.parameters[name];
    const toggled = current
      ? { ...current, swept: !current.swept }
      : newSweptDraft(spec, drafts.form.parameters[name] ?? null);
    this.setSweptParameter(name, toggled);
  }

  /**
   * Change what a swept parameter takes.
   */
  setSweptParameter(
    name: string,
    changes: Partial<ISweptParameterDraft>
  ): void {
    const sweep = this._drafts?.sweep;
    const current = sweep?.parameters[name];
    const spec = this._parameters?.parameters.find(p => p.name === name);
    if (!sweep || !spec) {
      return;
    }
    const base = current ?? newSweptDraft(spec, null);
    this._setDrafts({
      sweep: {
        ...sweep,
        parameters: { ...sweep.parameters, [name]: { ...base, ...changes } }
      }
    });
    this._edited(parameterField(name));
  }

  /**
   * Change a sweep option's draft.
   */
  setSweepOption<K extends SweepFormOption>(
    key: K,
    value: ISweepDraft[K]
  ): void {
    const sweep = this._drafts?.sweep;
    if (!sweep) {
      return;
    }
    this._setDrafts({ sweep: { ...sweep, [key]: value } });
    this._edited(SWEEP_WIRE_FIELDS[key]);
  }

  /**
   * Change the schedule's draft; the preview follows.
   */
  setSchedule<K extends keyof IScheduleDraft>(
    key: K,
    value: IScheduleDraft[K]
  ): void {
    const schedule = this._drafts?.schedule;
    if (!schedule) {
      return;
    }
    this._setDrafts({ schedule: { ...schedule, [key]: value } });
    this._updatePreview();
    this._edited(SCHEDULE_WIRE_FIELDS[key]);
  }

  /**
   * Check the form and send it. Never rejects.
   *
   * @returns What was created, or `null` when the form has errors or the
   * server refused it (its errors are then shown beside their fields).
   */
  async submit(): Promise<JobFormResult | null> {
    if (this._created !== null) {
      return this._created;
    }
    if (
      this._parameters === null ||
      this._drafts === null ||
      this._submitting
    ) {
      return null;
    }
    this._attempted = true;
    const { submission } = buildSubmission(
      this._parameters,
      this._drafts,
      this._trans,
      this.definition
    );
    if (submission === null) {
      this._emit();
      return null;
    }
    this._submitting = true;
    this._message = null;
    this._serverErrors = {};
    this._emit();
    try {
      this._created = await this._send(submission);
      return this._created;
    } catch (reason) {
      this._report(submission.kind, reason);
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
    this.preview?.dispose();
    Signal.clearData(this);
  }

  /**
   * Send a submission to its route.
   *
   * @throws {MLXResponseError} the server's refusal.
   */
  private async _send(submission: Submission): Promise<JobFormResult> {
    const client = this._client;
    switch (submission.kind) {
      case 'run':
        return {
          kind: 'run',
          run: await client.createJobRun({
            ...submission.request,
            idempotency_key: this._keyOf(submission)
          })
        };
      case 'sweep':
        return {
          kind: 'sweep',
          sweep: await client.createSweep(submission.request)
        };
      case 'create-job':
        return { kind: 'job', job: await client.createJob(submission.request) };
      case 'update-job':
        return {
          kind: 'job',
          job: await client.updateJob(submission.jobId, submission.request)
        };
    }
  }

  /**
   * The idempotency key of a run: the same request sent again (after a
   * network failure) keeps its key, so the server answers the run it may
   * have created already.
   */
  private _keyOf(submission: Submission): string {
    const body = JSON.stringify(submission.request);
    if (this._keyedBody !== body) {
      this._keyedBody = body;
      this._idempotencyKey = UUID.uuid4();
    }
    return this._idempotencyKey;
  }

  /**
   * Show a refusal beside the field it names, or as the form's message.
   */
  private _report(kind: Submission['kind'], reason: unknown): void {
    const message = (reason as Error).message ?? String(reason);
    const { status, field } = describeFailure(reason);
    const target =
      status === 400 && this._parameters !== null
        ? errorField(
            formFieldOf(kind, field),
            formFields(this._parameters, this.scheduling, this.sweeping)
          )
        : null;
    if (target === null) {
      this._message = message;
    } else {
      this._serverErrors = { [target]: message };
    }
  }

  /**
   * Preview the schedule typed, once the form accepts its expression.
   */
  private _updatePreview(): void {
    const schedule = this._drafts?.schedule;
    if (!this.preview || !schedule) {
      return;
    }
    const { schedule: fields, errors } = buildSchedule(schedule, this._trans);
    this.preview.update(
      errors['cron'] || errors['timezone'] ? null : (fields.cron ?? null),
      fields.timezone ?? ''
    );
  }

  private _setDrafts(changes: Partial<IFormDrafts>): void {
    if (this._drafts !== null) {
      this._drafts = { ...this._drafts, ...changes };
    }
  }

  /**
   * The environments to offer, or `null` when the server lists none.
   */
  private async _loadEnvironments(): Promise<IEnvironment[] | null> {
    try {
      const { environments } = await this._client.listEnvironments();
      return [...environments].sort((a, b) => a.name.localeCompare(b.name));
    } catch (reason) {
      console.warn('jupyter-mlx: cannot list the environments', reason);
      return null;
    }
  }

  private _edited(field: string): void {
    this._touched.add(field);
    this._clearServerError(field);
    this._emit();
  }

  private _clearServerError(field: string): void {
    if (field in this._serverErrors) {
      this._serverErrors = Object.fromEntries(
        Object.entries(this._serverErrors).filter(([key]) => key !== field)
      );
    }
  }

  private _flag(field: string, unreadable: boolean): string[] {
    const others = (this._drafts?.form.unreadable ?? []).filter(
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
  private _created: JobFormResult | null = null;
  private _drafts: IFormDrafts | null = null;
  private _environments: IEnvironment[] | null = null;
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
     * Server path of the notebook.
     */
    path: string;
    /**
     * Whether the form makes a job definition with a schedule; default:
     * whether a definition is edited.
     */
    scheduling?: boolean;
    /**
     * The definition to edit (its notebook is `path`), if any.
     */
    definition?: IJobDefinition | null;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
  }
}
