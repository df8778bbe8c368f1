/**
 * The logic of the "Run with Parameters" form, free of React and of HTTP:
 * which field each parameter gets, what the user typed means, what is wrong
 * with it, which request it makes, and which field a server error names.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  ICreateJobRunRequest,
  IJobRun,
  IJobSettings,
  INotebookParameterSpec,
  INotebookParametersResponse,
  JSONValue,
  ParameterType
} from '../api/types';

/**
 * Most attempts after the first a run may ask for (the server's limit).
 */
export const MAX_RETRIES = 10;

/**
 * Longest timeout a run may ask for, in seconds: one week.
 */
export const MAX_TIMEOUT_S = 7 * 24 * 3600;

/**
 * Longest wait before the first retry, in seconds.
 */
export const MAX_RETRY_BACKOFF_S = 3600;

/**
 * Seconds before the first retry unless told otherwise (the server's default).
 */
export const DEFAULT_RETRY_BACKOFF_S = 10;

/**
 * Most runs of a definition (or trials of a sweep) executing at once (the
 * server's limit).
 */
export const MAX_CONCURRENT_RUNS = 64;

/**
 * Longest MLflow experiment name.
 */
export const MAX_EXPERIMENT_LENGTH = 500;

/**
 * Most data inputs one run declares (the server's limit).
 */
export const MAX_INPUTS = 100;

/**
 * The wire name of a parameter's field, as the server names it in errors.
 */
export function parameterField(name: string): string {
  return `parameters.${name}`;
}

/**
 * The wire names of the run options' fields.
 */
export const OPTION_FIELDS = [
  'notebook',
  'kernel',
  'environment',
  'install_environment',
  'inputs',
  'timeout',
  'retries',
  'retry_backoff',
  'output_formats',
  'experiment'
] as const;

/**
 * A run option's wire name.
 */
export type OptionField = (typeof OPTION_FIELDS)[number];

/**
 * How a parameter is edited.
 */
export type FieldKind =
  /** A number input taking whole numbers only. */
  | 'integer'
  /** A number input taking any number. */
  | 'float'
  /** A checkbox. */
  | 'boolean'
  /** A text input. */
  | 'text'
  /** A textarea holding JSON. */
  | 'json';

/**
 * The field a parameter of a type gets.
 */
export function fieldKind(type: ParameterType): FieldKind {
  switch (type) {
    case 'int':
      return 'integer';
    case 'float':
      return 'float';
    case 'bool':
      return 'boolean';
    case 'str':
      return 'text';
    default:
      return 'json';
  }
}

/**
 * What the user has in a parameter's field: the text of a text-like field;
 * for a checkbox `true` or `false`, or `null` while it keeps a default that
 * is not a literal.
 */
export type ParameterDraft = string | boolean | null;

/**
 * Everything the form holds, as typed.
 */
export interface IJobFormDraft {
  /**
   * Each parameter's draft, by name.
   */
  parameters: Record<string, ParameterDraft>;
  /**
   * The kernelspec name; `''` for the server's default, or while an
   * environment is chosen (its own kernel runs the notebook).
   */
  kernel: string;
  /**
   * The environment of the workspace the run executes on; `''` for none
   * (the kernel then runs it).
   */
  environment: string;
  /**
   * Whether the environment is installed from its lock first when it is not
   * installed.
   */
  installEnvironment: boolean;
  /**
   * The data inputs as typed: files or folders relative to the server root,
   * one per line.
   */
  inputs: string;
  /**
   * Seconds an attempt may take; `''` for no limit.
   */
  timeout: string;
  /**
   * Attempts after the first; `''` for none.
   */
  retries: string;
  /**
   * Seconds before the first retry; `''` for the default.
   */
  retryBackoff: string;
  /**
   * Whether the output is rendered as HTML as well.
   */
  html: boolean;
  /**
   * The MLflow experiment name; `''` for the notebook's path.
   */
  experiment: string;
  /**
   * Wire names of the number fields whose text the browser cannot read as a
   * number (a number input then reports an empty value).
   */
  unreadable: ReadonlyArray<string>;
}

/**
 * Errors by wire field name (`parameters.<name>`, `timeout`, ...).
 */
export type FormErrors = Record<string, string>;

/**
 * What a field's draft means.
 */
export type ParsedField<T> =
  /** Nothing to send: the default applies. */
  | { kind: 'default' }
  /** The value to send. */
  | { kind: 'value'; value: T }
  /** Why the draft cannot be sent. */
  | { kind: 'error'; message: string };

/**
 * Whether a parameter has a literal default (the server gives `null` for a
 * default whose source is not a literal, e.g. `np.pi`).
 */
function hasLiteralDefault(spec: INotebookParameterSpec): boolean {
  return spec.default !== null || spec.default_source.trim() === 'None';
}

/**
 * A parameter's default, as its field shows it initially: integers as
 * `3`, floats with a decimal point (`1.0`), JSON compactly; `''` when the
 * default is not a literal (the field's placeholder shows its source).
 */
export function formatDefault(spec: INotebookParameterSpec): string {
  return formatValue(spec, spec.default);
}

/**
 * A value of a parameter as its field shows it: integers as `3`, floats with
 * a decimal point (`1.0`), JSON compactly; `''` for `null`.
 */
export function formatValue(
  spec: INotebookParameterSpec,
  value: JSONValue
): string {
  if (value === null) {
    return '';
  }
  switch (fieldKind(spec.type)) {
    case 'float':
      return typeof value === 'number' && Number.isInteger(value)
        ? value.toFixed(1)
        : String(value);
    case 'integer':
      return String(value);
    case 'text':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}

/**
 * A parameter's initial draft: the value given, else its default.
 */
export function initialParameterDraft(
  spec: INotebookParameterSpec,
  value: JSONValue = spec.default
): ParameterDraft {
  if (fieldKind(spec.type) === 'boolean') {
    return typeof value === 'boolean' ? value : null;
  }
  return formatValue(spec, value);
}

/**
 * The form's initial draft: every parameter at its default, the default
 * kernel, no timeout, no retries, ipynb output only; or, given the settings
 * of a job definition, its values and options.
 *
 * @param settings - The settings to edit (a definition's), if any.
 */
export function initialDraft(
  response: INotebookParametersResponse,
  settings: IJobSettings | null = null
): IJobFormDraft {
  const given = settings?.parameters ?? {};
  const number = (value: number | null | undefined): string =>
    value === null || value === undefined ? '' : String(value);
  return {
    parameters: Object.fromEntries(
      response.parameters.map(spec => [
        spec.name,
        spec.name in given
          ? initialParameterDraft(spec, given[spec.name])
          : initialParameterDraft(spec)
      ])
    ),
    // A definition on an environment stores the environment's kernel too.
    kernel: settings?.environment
      ? ''
      : (settings?.kernel ?? response.default_kernel),
    environment: settings?.environment ?? '',
    installEnvironment: settings?.install_environment ?? false,
    inputs: (settings?.inputs ?? []).join('\n'),
    timeout: number(settings?.timeout),
    retries: settings?.retries ? String(settings.retries) : '',
    retryBackoff:
      settings?.retry_backoff === undefined ||
      settings.retry_backoff === DEFAULT_RETRY_BACKOFF_S
        ? ''
        : String(settings.retry_backoff),
    html: settings?.output_formats?.includes('html') ?? false,
    experiment: settings?.experiment ?? '',
    unreadable: []
  };
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A whole number typed in a field, or why it is not one.
 */
export function parseInteger(
  text: string,
  trans: TranslationBundle
): ParsedField<number> {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!INTEGER.test(trimmed)) {
    return { kind: 'error', message: trans.__('expected an integer') };
  }
  if (!Number.isSafeInteger(value)) {
    return { kind: 'error', message: trans.__('integer too large') };
  }
  return { kind: 'value', value };
}

/**
 * A number typed in a field, or why it is not one.
 */
export function parseNumber(
  text: string,
  trans: TranslationBundle
): ParsedField<number> {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!NUMBER.test(trimmed) || !Number.isFinite(value)) {
    return { kind: 'error', message: trans.__('expected a number') };
  }
  return { kind: 'value', value };
}

/**
 * How many runs may execute at once, typed in a field (empty: `fallback`),
 * or why it is not a whole number from 1 to `MAX_CONCURRENT_RUNS`.
 */
export function parseConcurrency(
  text: string,
  fallback: number,
  trans: TranslationBundle
): ParsedField<number> {
  if (text.trim() === '') {
    return { kind: 'value', value: fallback };
  }
  const parsed = parseInteger(text, trans);
  if (
    parsed.kind !== 'value' ||
    parsed.value < 1 ||
    parsed.value > MAX_CONCURRENT_RUNS
  ) {
    return {
      kind: 'error',
      message: trans.__(
        'expected a whole number from 1 to %1',
        MAX_CONCURRENT_RUNS
      )
    };
  }
  return parsed;
}

/**
 * JSON typed in a field, checked against the parameter's type.
 */
function parseJSON(
  text: string,
  type: ParameterType,
  trans: TranslationBundle
): ParsedField<JSONValue> {
  let value: JSONValue;
  try {
    value = JSON.parse(text) as JSONValue;
  } catch {
    return { kind: 'error', message: trans.__('not valid JSON') };
  }
  if (type === 'list' && !Array.isArray(value)) {
    return { kind: 'error', message: trans.__('expected a JSON list') };
  }
  if (
    type === 'dict' &&
    (typeof value !== 'object' || value === null || Array.isArray(value))
  ) {
    return { kind: 'error', message: trans.__('expected a JSON object') };
  }
  return { kind: 'value', value };
}

/**
 * The data inputs typed, one per line: each line trimmed, blank lines and
 * repeated paths left out.
 */
export function parseInputs(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .map(line => line.trim())
        .filter(Boolean)
    )
  ];
}

/**
 * What a parameter's draft means: the default (an empty number or JSON
 * field, an untouched checkbox), a value, or an error.
 *
 * @param unreadable - Whether the browser could not read the number typed.
 */
export function parseParameter(
  spec: INotebookParameterSpec,
  draft: ParameterDraft,
  trans: TranslationBundle,
  unreadable = false
): ParsedField<JSONValue> {
  const kind = fieldKind(spec.type);
  if (unreadable && (kind === 'integer' || kind === 'float')) {
    return {
      kind: 'error',
      message:
        kind === 'integer'
          ? trans.__('expected an integer')
          : trans.__('expected a number')
    };
  }
  if (kind === 'boolean') {
    return typeof draft === 'boolean'
      ? { kind: 'value', value: draft }
      : { kind: 'default' };
  }
  const text = typeof draft === 'string' ? draft : '';
  if (kind === 'text') {
    // An empty text is a value, unless the default is not a literal.
    return text === '' && typeof spec.default !== 'string'
      ? { kind: 'default' }
      : { kind: 'value', value: text };
  }
  if (text.trim() === '') {
    return { kind: 'default' };
  }
  switch (kind) {
    case 'integer':
      return parseInteger(text, trans);
    case 'float':
      return parseNumber(text, trans);
    default:
      return parseJSON(text, spec.type, trans);
  }
}

/**
 * Whether two JSON values are equal (object keys in any order).
 */
export function sameJSON(a: JSONValue, b: JSONValue): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJSON(item, b[index]))
    );
  }
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null
  ) {
    return false;
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every(key => key in b && sameJSON(a[key], b[key]))
  );
}

/**
 * Whether a value differs from a parameter's default, so it is sent.
 */
function differsFromDefault(
  spec: INotebookParameterSpec,
  value: JSONValue
): boolean {
  return !hasLiteralDefault(spec) || !sameJSON(value, spec.default);
}

/**
 * The run options as the request carries them, with their errors.
 */
function parseOptions(
  response: INotebookParametersResponse,
  draft: IJobFormDraft,
  trans: TranslationBundle
): { options: Omit<IJobSettings, 'parameters'>; errors: FormErrors } {
  const errors: FormErrors = {};
  const unreadable = new Set(draft.unreadable);
  const number = (
    field: OptionField,
    text: string,
    parse: (text: string) => ParsedField<number>,
    accept: (value: number) => boolean,
    message: string
  ): number | null => {
    if (unreadable.has(field)) {
      errors[field] = message;
      return null;
    }
    if (text.trim() === '') {
      return null;
    }
    const parsed = parse(text);
    if (parsed.kind !== 'value' || !accept(parsed.value)) {
      errors[field] = message;
      return null;
    }
    return parsed.value;
  };

  const timeout = number(
    'timeout',
    draft.timeout,
    text => parseNumber(text, trans),
    value => value > 0 && value <= MAX_TIMEOUT_S,
    trans.__(
      'expected seconds above 0 and at most %1 (a week), or empty for no limit',
      MAX_TIMEOUT_S
    )
  );
  const retries = number(
    'retries',
    draft.retries,
    text => parseInteger(text, trans),
    value => value >= 0 && value <= MAX_RETRIES,
    trans.__('expected a whole number from 0 to %1', MAX_RETRIES)
  );
  const retryBackoff = number(
    'retry_backoff',
    draft.retryBackoff,
    text => parseNumber(text, trans),
    value => value >= 0 && value <= MAX_RETRY_BACKOFF_S,
    trans.__('expected seconds from 0 to %1', MAX_RETRY_BACKOFF_S)
  );
  const kernels = response.kernels.map(kernel => kernel.name);
  if (
    draft.environment === '' &&
    draft.kernel !== '' &&
    kernels.length &&
    !kernels.includes(draft.kernel)
  ) {
    errors['kernel'] = trans.__(
      'no kernel named %1 is installed',
      draft.kernel
    );
  }
  const experiment = draft.experiment.trim();
  if (experiment.length > MAX_EXPERIMENT_LENGTH) {
    errors['experiment'] = trans.__(
      'at most %1 characters',
      MAX_EXPERIMENT_LENGTH
    );
  }
  const inputs = parseInputs(draft.inputs);
  if (inputs.length > MAX_INPUTS) {
    errors['inputs'] = trans.__(
      'at most %1 inputs (%2 given)',
      MAX_INPUTS,
      inputs.length
    );
  }
  // An environment runs on its own kernel: the server refuses both.
  const environment = draft.environment || null;
  return {
    options: {
      kernel: environment === null ? draft.kernel || null : null,
      environment,
      install_environment: environment !== null && draft.installEnvironment,
      inputs,
      timeout,
      retries: retries ?? 0,
      retry_backoff: retryBackoff ?? DEFAULT_RETRY_BACKOFF_S,
      output_formats: draft.html ? ['ipynb', 'html'] : ['ipynb'],
      experiment: experiment || null
    },
    errors
  };
}

/**
 * The settings a draft gives every run (its parameter values and run
 * options), or the errors that block them.
 *
 * Only the parameters whose value differs from the notebook's default are
 * sent, so the defaults stay the notebook's. Swept parameters are left out:
 * a sweep gives them their values.
 *
 * @param swept - Names of the swept parameters.
 * @returns The settings and the errors, by wire field name; the settings
 * are only to be sent when there are no errors.
 */
export function buildSettings(
  response: INotebookParametersResponse,
  draft: IJobFormDraft,
  trans: TranslationBundle,
  swept: ReadonlySet<string> = new Set()
): { settings: IJobSettings; errors: FormErrors } {
  const unreadable = new Set(draft.unreadable);
  const parameters: Record<string, JSONValue> = {};
  const errors: FormErrors = {};
  for (const spec of response.parameters) {
    if (swept.has(spec.name)) {
      continue;
    }
    const field = parameterField(spec.name);
    const parsed = parseParameter(
      spec,
      draft.parameters[spec.name] ?? initialParameterDraft(spec),
      trans,
      unreadable.has(field)
    );
    if (parsed.kind === 'error') {
      errors[field] = parsed.message;
    } else if (
      parsed.kind === 'value' &&
      differsFromDefault(spec, parsed.value)
    ) {
      parameters[spec.name] = parsed.value;
    }
  }
  const options = parseOptions(response, draft, trans);
  Object.assign(errors, options.errors);
  return { settings: { parameters, ...options.options }, errors };
}

/**
 * The field of the form a server error names, when the form has it: the
 * field itself or the nearest one containing it (`output_formats.1` belongs
 * to `output_formats`); `null` for an error about the form as a whole (or
 * a parameter the form does not show).
 *
 * @param field - The error's `field`, e.g. `parameters.epochs`.
 * @param fields - The wire names of the form's fields.
 */
export function errorField(
  field: string | null,
  fields: ReadonlyArray<string>
): string | null {
  let candidate = field;
  while (candidate) {
    if (fields.includes(candidate)) {
      return candidate;
    }
    const dot = candidate.lastIndexOf('.');
    candidate = dot === -1 ? null : candidate.slice(0, dot);
  }
  return null;
}

/**
 * The request of a re-run: the same notebook, parameters, environment (or
 * kernel), inputs and options, as another run of the same job.
 */
export function rerunRequest(run: IJobRun): ICreateJobRunRequest {
  return {
    notebook: run.notebook,
    parameters: run.parameters,
    // A run on an environment names its kernel too; the environment gives it.
    kernel: run.environment ? null : run.kernel,
    environment: run.environment,
    inputs: run.inputs,
    timeout: run.timeout,
    retries: run.retries,
    retry_backoff: run.retry_backoff,
    output_formats: run.output_formats,
    experiment: run.experiment,
    job_id: run.job_id
  };
}
