import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import type {
  IDescribeModel,
  IModelVersion,
  IPromotion,
  IRunModel
} from '../../api/types';
import { describeFailure } from '../../shared/state/polled';
import type { IMLXClient } from '../../tokens';

/**
 * The alias a promotion moves unless told otherwise.
 */
export const DEFAULT_ALIAS = 'champion';

/**
 * Milliseconds between two reads of a running promotion.
 */
export const DEFAULT_POLL_INTERVAL = 300;

/**
 * Most registered model names offered in the name field.
 */
const OFFERED_NAMES = 1000;

/**
 * What is promoted: a run's model (as a new version), or an existing version
 * of a registered model (its alias moved).
 */
export type PromotionTarget =
  | {
      kind: 'run';
      /** The run holding the model. */
      runId: string;
      /** The model chosen first; default: the run's first. */
      artifactPath?: string;
    }
  | {
      kind: 'version';
      /** The registered model. */
      name: string;
      /** The version chosen first; default: the newest without the alias. */
      version?: string;
      /** The alias to move; default: `champion`. */
      alias?: string;
    };

/**
 * The fields of the promote form, as typed (gates one a line).
 */
export interface IPromoteDraft {
  /** The run's model (run target only). */
  artifact_path: string;
  /** The registered model. */
  name: string;
  /** The alias to move. */
  alias: string;
  /** The version to point the alias to (version target only). */
  version: string;
  /** Metric gates, one a line. */
  gates: string;
  /** Whether the smoke test runs. */
  smoke: boolean;
  /** Why, for the history. */
  note: string;
}

/**
 * A field of the form (the wire field it sends).
 */
export type PromoteFormField = keyof IPromoteDraft;

/**
 * Messages to show beside the form's fields.
 */
export type PromoteFormErrors = Partial<Record<PromoteFormField, string>>;

/**
 * Where the promotion is: the form loading, being filled, sent, its gates
 * running, or ended (promoted, refused or failed).
 */
export type PromotionPhase =
  'loading' | 'editing' | 'submitting' | 'running' | 'ended';

/**
 * The fields of the form, in the order they show.
 */
const FORM_FIELDS: ReadonlyArray<PromoteFormField> = [
  'artifact_path',
  'name',
  'alias',
  'version',
  'gates',
  'smoke',
  'note'
];

/**
 * One promotion from its form to its outcome: the run's models (or the
 * model's versions) to choose from, the registered names offered, the form
 * with the errors beside its fields, then the promotion as it runs, read
 * again until it ends.
 */
export class PromotionState implements IDisposable {
  /**
   * @param options - The client, what is promoted, the translation bundle.
   */
  constructor(options: PromotionState.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
    this.target = options.target;
    this._pollInterval = options.pollInterval ?? DEFAULT_POLL_INTERVAL;
    const target = options.target;
    this._draft = {
      ...this._draft,
      ...(target.kind === 'run'
        ? { artifact_path: target.artifactPath ?? '' }
        : {
            name: target.name,
            alias: target.alias ?? DEFAULT_ALIAS,
            version: target.version ?? ''
          })
    };
  }

  /**
   * What is promoted.
   */
  readonly target: PromotionTarget;

  /**
   * Emitted whenever anything the form or the promotion shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted once, with the promotion, when it ends.
   */
  get ended(): ISignal<this, IPromotion> {
    return this._ended;
  }

  /**
   * Where the promotion is.
   */
  get phase(): PromotionPhase {
    return this._phase;
  }

  /**
   * What the form holds.
   */
  get draft(): Readonly<IPromoteDraft> {
    return this._draft;
  }

  /**
   * The errors to show, by field.
   */
  get errors(): PromoteFormErrors {
    return { ...this._ownErrors, ...this._serverErrors };
  }

  /**
   * A message about no field of the form (a load failure, a refusal, a
   * lost promotion), or `null`.
   */
  get message(): string | null {
    return this._message;
  }

  /**
   * The run's models (run target).
   */
  get runModels(): ReadonlyArray<IRunModel> {
    return this._runModels;
  }

  /**
   * The registered model names offered (run target).
   */
  get modelNames(): ReadonlyArray<string> {
    return this._modelNames;
  }

  /**
   * The registered model's versions, newest first (version target).
   */
  get versions(): ReadonlyArray<IModelVersion> {
    return this._versions;
  }

  /**
   * The run's model chosen, or `null`.
   */
  get runModel(): IRunModel | null {
    return (
      this._runModels.find(
        model => model.artifact_path === this._draft.artifact_path
      ) ?? null
    );
  }

  /**
   * Why the smoke test cannot run, or `null` when it can.
   */
  get smokeUnavailable(): string | null {
    const model = this.runModel;
    if (this.target.kind === 'run' && model && !model.has_input_example) {
      return this._trans.__(
        'The model has no input example: log one (input_example=...) to smoke-test it.'
      );
    }
    return null;
  }

  /**
   * Whether the form can be sent now.
   */
  get canSubmit(): boolean {
    return (
      this._phase === 'editing' &&
      (this.target.kind === 'version'
        ? this._versions.length > 0
        : this._runModels.length > 0)
    );
  }

  /**
   * The promotion as last read, or `null` before it started.
   */
  get promotion(): IPromotion | null {
    return this._promotion;
  }

  /**
   * Whether the state is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Fetch what the form offers: the run's models and the registered names,
   * or the model's versions and default gates. Never rejects: a failure
   * shows as the message.
   */
  async load(): Promise<void> {
    try {
      if (this.target.kind === 'run') {
        await this._loadRun(this.target.runId);
      } else {
        this._useModel(await this._client.getModel(this.target.name));
      }
    } catch (reason) {
      this._message = messageOf(reason);
    }
    this._phase = 'editing';
    this._emit();
  }

  /**
   * Change a field. Naming an existing registered model fills the gates
   * with its default gates, unless the gates were edited.
   */
  set<K extends PromoteFormField>(field: K, value: IPromoteDraft[K]): void {
    if (this._phase !== 'editing') {
      return;
    }
    this._draft = { ...this._draft, [field]: value };
    if (field === 'gates' || field === 'smoke') {
      this._gatesEdited = true;
    }
    if (field === 'artifact_path' && this.smokeUnavailable !== null) {
      this._draft = { ...this._draft, smoke: false };
    }
    const others = { ...this._serverErrors };
    delete others[field];
    this._serverErrors = others;
    delete this._ownErrors[field];
    if (field === 'name' && this.target.kind === 'run') {
      void this._loadDefaultGates(String(value).trim());
    }
    this._emit();
  }

  /**
   * Start the promotion, unless the form has errors, and follow it until it
   * ends.
   *
   * @returns The promotion once ended, or `null` when the form has errors,
   * the server refused it (its errors are then shown beside their fields),
   * or it could no longer be read.
   */
  async submit(): Promise<IPromotion | null> {
    if (!this.canSubmit) {
      return null;
    }
    this._serverErrors = {};
    this._message = null;
    this._ownErrors = this._validate();
    if (Object.keys(this._ownErrors).length > 0) {
      this._emit();
      return null;
    }
    this._phase = 'submitting';
    this._emit();
    let promotion: IPromotion;
    try {
      promotion = await this._start();
    } catch (reason) {
      this._refused(reason);
      this._phase = 'editing';
      this._emit();
      return null;
    }
    return this._follow(promotion);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private async _loadRun(runId: string): Promise<void> {
    const [models, names] = await Promise.all([
      this._client.listRunModels(runId),
      this._client.listModels({ max_results: OFFERED_NAMES })
    ]);
    this._runModels = models.models;
    this._modelNames = names.models.map(model => model.name);
    if (this._runModels.length === 0) {
      this._message = this._trans.__(
        'Run %1 holds no model: log one with mlflow.<flavour>.log_model.',
        runId
      );
      return;
    }
    if (this.runModel === null) {
      this._draft = {
        ...this._draft,
        artifact_path: this._runModels[0].artifact_path
      };
    }
    this._draft = {
      ...this._draft,
      smoke: this.smokeUnavailable === null && this._draft.smoke
    };
  }

  /**
   * Fill the form from a registered model: its default gates, and (version
   * target) its versions, the version chosen first.
   */
  private _useModel(model: IDescribeModel): void {
    if (!this._gatesEdited) {
      this._draft = {
        ...this._draft,
        gates: model.gates.metrics.join('\n'),
        smoke: model.gates.smoke && this.smokeUnavailable === null
      };
    }
    if (this.target.kind !== 'version') {
      return;
    }
    this._versions = model.versions;
    if (!this._versions.some(v => v.version === this._draft.version)) {
      const holder = model.aliases[this._draft.alias];
      const candidate =
        this._versions.find(v => v.version !== holder) ?? this._versions[0];
      this._draft = { ...this._draft, version: candidate?.version ?? '' };
    }
  }

  /**
   * Fill the gates with an existing model's default gates.
   */
  private async _loadDefaultGates(name: string): Promise<void> {
    if (this._gatesEdited || !this._modelNames.includes(name)) {
      return;
    }
    const asked = ++this._gatesRequest;
    try {
      const model = await this._client.getModel(name);
      if (asked === this._gatesRequest && this._phase === 'editing') {
        this._useModel(model);
        this._emit();
      }
    } catch (reason) {
      console.warn('jupyter-mlx: cannot read the default gates', reason);
    }
  }

  private _start(): Promise<IPromotion> {
    const draft = this._draft;
    const common = {
      gates: splitLines(draft.gates),
      smoke: draft.smoke,
      note: draft.note.trim()
    };
    if (this.target.kind === 'version') {
      return this._client.moveModelAlias(this.target.name, draft.alias.trim(), {
        version: draft.version,
        ...common
      });
    }
    return this._client.promoteModel({
      run_id: this.target.runId,
      artifact_path: draft.artifact_path,
      name: draft.name.trim(),
      alias: draft.alias.trim(),
      ...common
    });
  }

  /**
   * Show `promotion`, and read it again until it ends.
   */
  private async _follow(promotion: IPromotion): Promise<IPromotion | null> {
    this._promotion = promotion;
    this._phase = 'running';
    this._emit();
    let current = promotion;
    while (current.state === 'running') {
      await new Promise<void>(resolve => {
        this._timer = setTimeout(resolve, this._pollInterval);
      });
      this._timer = null;
      if (this._isDisposed) {
        return null;
      }
      try {
        current = await this._client.getPromotion(promotion.promotion_id);
      } catch (reason) {
        this._message = this._trans.__(
          'Cannot follow the promotion: %1',
          messageOf(reason)
        );
        this._phase = 'ended';
        this._emit();
        return null;
      }
      this._promotion = current;
      this._emit();
    }
    this._phase = 'ended';
    this._emit();
    if (!this._isDisposed) {
      this._ended.emit(current);
    }
    return current;
  }

  private _validate(): PromoteFormErrors {
    const trans = this._trans;
    const draft = this._draft;
    const errors: PromoteFormErrors = {};
    if (this.target.kind === 'run' && !draft.name.trim()) {
      errors.name = trans.__('Name the registered model.');
    } else if (draft.name.includes('/')) {
      errors.name = trans.__('A registered model name has no "/".');
    }
    if (!draft.alias.trim()) {
      errors.alias = trans.__('Name the alias, e.g. %1.', DEFAULT_ALIAS);
    }
    if (this.target.kind === 'version' && !draft.version) {
      errors.version = trans.__('Choose a version.');
    }
    return errors;
  }

  /**
   * Show a refusal beside the field it names (`gates.2` is the gates
   * field), or as the form's message.
   */
  private _refused(reason: unknown): void {
    const { field } = describeFailure(reason);
    const formField = FORM_FIELDS.find(
      known => field === known || field?.startsWith(`${known}.`)
    );
    if (formField) {
      this._serverErrors = { [formField]: messageOf(reason) };
    } else {
      this._message = messageOf(reason);
    }
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _client: IMLXClient;
  private _draft: IPromoteDraft = {
    artifact_path: '',
    name: '',
    alias: DEFAULT_ALIAS,
    version: '',
    gates: '',
    smoke: false,
    note: ''
  };
  private _ended = new Signal<this, IPromotion>(this);
  private _gatesEdited = false;
  private _gatesRequest = 0;
  private _isDisposed = false;
  private _message: string | null = null;
  private _modelNames: string[] = [];
  private _ownErrors: PromoteFormErrors = {};
  private _phase: PromotionPhase = 'loading';
  private _pollInterval: number;
  private _promotion: IPromotion | null = null;
  private _runModels: IRunModel[] = [];
  private _serverErrors: PromoteFormErrors = {};
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _trans: TranslationBundle;
  private _versions: IModelVersion[] = [];
}

/**
 * Types of `PromotionState`.
 */
export namespace PromotionState {
  /**
   * Options of a promotion.
   */
  export interface IOptions {
    /**
     * The REST API client.
     */
    client: IMLXClient;
    /**
     * What is promoted.
     */
    target: PromotionTarget;
    /**
     * The jupyter-mlx translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Milliseconds between two reads of the running promotion.
     */
    pollInterval?: number;
  }
}

/**
 * The non-blank lines of a text, trimmed.
 */
function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '');
}

/**
 * The message of a failure: the server's, for an API error.
 */
function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
