/**
 * The logic of the sweep part of the run and schedule forms, free of React
 * and of HTTP: what the user typed for each swept parameter, what it means,
 * how many runs a grid makes, and the sweep it asks for.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  Direction,
  INotebookParameterSpec,
  INotebookParametersResponse,
  ISweepParameter,
  ISweepSpec,
  JSONValue,
  SweepStrategy
} from '../api/types';
import {
  type FormErrors,
  type ParameterDraft,
  type ParsedField,
  fieldKind,
  formatValue,
  parameterField,
  parseConcurrency,
  parseInteger,
  parseNumber,
  sameJSON
} from './form';

/**
 * Trials executing at once unless told otherwise (the server's default).
 */
export const DEFAULT_SWEEP_CONCURRENCY = 2;

/**
 * Fewest and most grid points a range may ask for (the server's limits).
 */
export const MIN_RANGE_COUNT = 2;
export const MAX_RANGE_COUNT = 1000;

/**
 * Longest metric name.
 */
const MAX_METRIC_LENGTH = 250;

/**
 * The wire names of the sweep's own fields, as the form keys their errors.
 */
export const SWEEP_FIELDS = [
  'sweep.parameters',
  'sweep.strategy',
  'sweep.trials',
  'sweep.metric',
  'sweep.direction',
  'sweep.max_concurrent_runs'
] as const;

/**
 * Every sweep strategy, in the order the form offers them.
 */
export const SWEEP_STRATEGIES: ReadonlyArray<SweepStrategy> = [
  'grid',
  'random',
  'optuna'
];

/**
 * How a swept parameter's values are given: a list, or a numeric range.
 */
export type SweepKind = 'values' | 'range';

/**
 * How a grid walks a range: by a step, or in a number of even points.
 */
export type RangeSpacing = 'step' | 'count';

/**
 * What the user typed for one parameter in sweep mode.
 */
export interface ISweptParameterDraft {
  /**
   * Whether the parameter is swept (its fixed value is kept meanwhile).
   */
  swept: boolean;
  /**
   * A list of values or a range.
   */
  kind: SweepKind;
  /**
   * The values, comma separated, typed like the parameter.
   */
  values: string;
  /**
   * Bounds of a range.
   */
  low: string;
  high: string;
  /**
   * Whether a grid walks the range by `step` or in `count` points.
   */
  spacing: RangeSpacing;
  step: string;
  count: string;
  /**
   * Whether the range is walked or sampled on a log scale.
   */
  log: boolean;
}

/**
 * What the user typed in the sweep part of the form.
 */
export interface ISweepDraft {
  /**
   * Each parameter's sweep draft, by name (only those toggled so far).
   */
  parameters: Record<string, ISweptParameterDraft>;
  /**
   * How trials are picked.
   */
  strategy: SweepStrategy;
  /**
   * Trials of a random or optuna sweep.
   */
  trials: string;
  /**
   * The metric ranking trials; `''` for none.
   */
  metric: string;
  /**
   * Whether the metric is better low or high.
   */
  direction: Direction;
  /**
   * Trials executing at once; `''` for the default.
   */
  maxConcurrent: string;
}

/**
 * The sweep draft of a form without swept parameters; given a definition's
 * sweep, its parameters, strategy and metric.
 */
export function initialSweepDraft(
  response: INotebookParametersResponse,
  spec: ISweepSpec | null = null
): ISweepDraft {
  const parameters: Record<string, ISweptParameterDraft> = {};
  for (const parameter of response.parameters) {
    const swept = spec?.parameters[parameter.name];
    if (swept) {
      parameters[parameter.name] = sweptDraftOf(parameter, swept);
    }
  }
  return {
    parameters,
    strategy: spec?.strategy ?? 'grid',
    trials:
      spec?.trials === null || spec?.trials === undefined
        ? ''
        : String(spec.trials),
    metric: spec?.metric ?? '',
    direction: spec?.direction ?? 'minimize',
    maxConcurrent:
      spec?.max_concurrent_runs === undefined ||
      spec.max_concurrent_runs === DEFAULT_SWEEP_CONCURRENCY
        ? ''
        : String(spec.max_concurrent_runs)
  };
}

/**
 * Whether a parameter can be swept over a range (numbers only).
 */
export function canSweepRange(spec: INotebookParameterSpec): boolean {
  const kind = fieldKind(spec.type);
  return kind === 'integer' || kind === 'float';
}

/**
 * A parameter's sweep draft when first switched to sweep mode: a list
 * holding its current value (both values of a boolean).
 *
 * @param current - The parameter's fixed draft.
 */
export function newSweptDraft(
  spec: INotebookParameterSpec,
  current: ParameterDraft
): ISweptParameterDraft {
  const values =
    fieldKind(spec.type) === 'boolean'
      ? 'true, false'
      : typeof current === 'string'
        ? current
        : '';
  return {
    swept: true,
    kind: 'values',
    values,
    low: '',
    high: '',
    spacing: 'count',
    step: '',
    count: '',
    log: false
  };
}

/**
 * The draft showing a definition's sweep of one parameter.
 */
function sweptDraftOf(
  spec: INotebookParameterSpec,
  swept: ISweepParameter
): ISweptParameterDraft {
  const text = (value: number | null | undefined): string =>
    value === null || value === undefined ? '' : String(value);
  if (swept.values) {
    return {
      ...newSweptDraft(spec, null),
      values: swept.values.map(value => formatItem(spec, value)).join(', ')
    };
  }
  return {
    ...newSweptDraft(spec, null),
    values: '',
    kind: 'range',
    low: text(swept.low),
    high: text(swept.high),
    spacing: swept.step !== null && swept.step !== undefined ? 'step' : 'count',
    step: text(swept.step),
    count: text(swept.count),
    log: swept.log ?? false
  };
}

/**
 * One value of a list as the values field shows it.
 */
function formatItem(spec: INotebookParameterSpec, value: JSONValue): string {
  switch (fieldKind(spec.type)) {
    case 'boolean':
      return String(value);
    case 'text':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return formatValue(spec, value);
  }
}

/**
 * The values typed in a swept parameter's list, each read like the
 * parameter's own field: comma separated; JSON items for lists and objects.
 */
export function parseSweepValues(
  spec: INotebookParameterSpec,
  text: string,
  trans: TranslationBundle
): ParsedField<JSONValue[]> {
  const kind = fieldKind(spec.type);
  let values: JSONValue[] = [];
  if (kind === 'json') {
    try {
      values = JSON.parse(`[${text}]`) as JSONValue[];
    } catch {
      return {
        kind: 'error',
        message: trans.__('expected JSON values separated by commas')
      };
    }
    const wrong = values.find(
      value =>
        (spec.type === 'list' && !Array.isArray(value)) ||
        (spec.type === 'dict' &&
          (typeof value !== 'object' || value === null || Array.isArray(value)))
    );
    if (wrong !== undefined) {
      return {
        kind: 'error',
        message: trans.__('%1 is not a %2', JSON.stringify(wrong), spec.type)
      };
    }
  } else {
    for (const item of text.split(',').map(part => part.trim())) {
      if (item === '') {
        return { kind: 'error', message: trans.__('a value is empty') };
      }
      const parsed = parseItem(kind, item, trans);
      if (parsed.kind !== 'value') {
        return parsed;
      }
      values.push(parsed.value);
    }
  }
  if (values.length === 0) {
    return { kind: 'error', message: trans.__('expected at least one value') };
  }
  const repeated = values.find((value, index) =>
    values.slice(0, index).some(earlier => sameJSON(earlier, value))
  );
  if (repeated !== undefined) {
    return {
      kind: 'error',
      message: trans.__('%1 is listed twice', JSON.stringify(repeated))
    };
  }
  return { kind: 'value', value: values };
}

/**
 * One comma-separated item of a list.
 */
function parseItem(
  kind: ReturnType<typeof fieldKind>,
  item: string,
  trans: TranslationBundle
): ParsedField<JSONValue> {
  switch (kind) {
    case 'integer':
      return withItem(parseInteger(item, trans), item, trans);
    case 'float':
      return withItem(parseNumber(item, trans), item, trans);
    case 'boolean': {
      const word = item.toLowerCase();
      return word === 'true' || word === 'false'
        ? { kind: 'value', value: word === 'true' }
        : {
            kind: 'error',
            message: trans.__('%1: expected true or false', item)
          };
    }
    default:
      return { kind: 'value', value: item };
  }
}

/**
 * A parsed item, its error naming it.
 */
function withItem<T>(
  parsed: ParsedField<T>,
  item: string,
  trans: TranslationBundle
): ParsedField<T> {
  return parsed.kind === 'error'
    ? { kind: 'error', message: trans.__('%1: %2', item, parsed.message) }
    : parsed;
}

/**
 * A swept parameter's range, or why it cannot be sent. A grid needs a step
 * or a count; random and optuna sample the range and take them only when
 * given.
 */
export function parseSweepRange(
  spec: INotebookParameterSpec,
  draft: ISweptParameterDraft,
  strategy: SweepStrategy,
  trans: TranslationBundle
): ParsedField<ISweepParameter> {
  const integer = fieldKind(spec.type) === 'integer';
  const read = (text: string): ParsedField<number> =>
    integer ? parseInteger(text, trans) : parseNumber(text, trans);
  const bound = (text: string, name: string): ParsedField<number> => {
    const parsed = read(text);
    return parsed.kind === 'error'
      ? {
          kind: 'error',
          message: trans.__('%1: %2', name, parsed.message)
        }
      : parsed;
  };
  const low = bound(draft.low, trans.__('low'));
  if (low.kind !== 'value') {
    return low as ParsedField<ISweepParameter>;
  }
  const high = bound(draft.high, trans.__('high'));
  if (high.kind !== 'value') {
    return high as ParsedField<ISweepParameter>;
  }
  if (high.value <= low.value) {
    return { kind: 'error', message: trans.__('high must be above low') };
  }
  if (draft.log && low.value <= 0) {
    return {
      kind: 'error',
      message: trans.__('a log scale needs low above 0')
    };
  }
  const range: ISweepParameter = {
    low: low.value,
    high: high.value,
    log: draft.log,
    integer
  };
  const text = draft.spacing === 'step' ? draft.step : draft.count;
  if (text.trim() === '') {
    return strategy === 'grid'
      ? {
          kind: 'error',
          message: trans.__('a grid needs a step or a count')
        }
      : { kind: 'value', value: range };
  }
  if (draft.spacing === 'step') {
    const step = read(text);
    if (step.kind !== 'value' || step.value <= 0) {
      return {
        kind: 'error',
        message: trans.__('step: expected a number above 0')
      };
    }
    return { kind: 'value', value: { ...range, step: step.value } };
  }
  const count = parseInteger(text, trans);
  if (
    count.kind !== 'value' ||
    count.value < MIN_RANGE_COUNT ||
    count.value > MAX_RANGE_COUNT
  ) {
    return {
      kind: 'error',
      message: trans.__(
        'count: expected a whole number from %1 to %2',
        MIN_RANGE_COUNT,
        MAX_RANGE_COUNT
      )
    };
  }
  return { kind: 'value', value: { ...range, count: count.value } };
}

/**
 * How many values a grid takes of one swept parameter, or `null` when it
 * cannot tell (a range without step or count).
 */
export function gridPoints(parameter: ISweepParameter): number | null {
  if (parameter.values) {
    return parameter.values.length;
  }
  if (parameter.count) {
    return parameter.count;
  }
  const { low, high, step } = parameter;
  if (
    low === null ||
    low === undefined ||
    high === null ||
    high === undefined ||
    !step
  ) {
    return null;
  }
  // The epsilon keeps `high` itself when float steps land just short of it.
  return Math.floor((high - low) / step + 1e-9) + 1;
}

/**
 * How many runs a grid over these parameters makes: the product of their
 * points; `null` when one of them cannot tell.
 */
export function gridSize(
  parameters: Record<string, ISweepParameter>
): number | null {
  let size = 1;
  for (const parameter of Object.values(parameters)) {
    const points = gridPoints(parameter);
    if (points === null) {
      return null;
    }
    size *= points;
  }
  return size;
}

/**
 * The names of the parameters in sweep mode.
 */
export function sweptNames(draft: ISweepDraft): Set<string> {
  return new Set(
    Object.entries(draft.parameters)
      .filter(([, parameter]) => parameter.swept)
      .map(([name]) => name)
  );
}

/**
 * The sweep a draft asks for, or the errors that block it; `null` when no
 * parameter is swept.
 *
 * @returns The sweep and the errors, by wire field name (a parameter's
 * under `parameters.<name>`, the sweep's own under `sweep.<field>`).
 */
export function buildSweep(
  response: INotebookParametersResponse,
  draft: ISweepDraft,
  trans: TranslationBundle
): { sweep: ISweepSpec | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const parameters: Record<string, ISweepParameter> = {};
  for (const spec of response.parameters) {
    const swept = draft.parameters[spec.name];
    if (!swept?.swept) {
      continue;
    }
    const parsed =
      swept.kind === 'range' && canSweepRange(spec)
        ? parseSweepRange(spec, swept, draft.strategy, trans)
        : parseValuesParameter(spec, swept.values, trans);
    if (parsed.kind === 'value') {
      parameters[spec.name] = parsed.value;
    } else if (parsed.kind === 'error') {
      errors[parameterField(spec.name)] = parsed.message;
    }
  }
  if (Object.keys(parameters).length + Object.keys(errors).length === 0) {
    return { sweep: null, errors };
  }
  const sampled = draft.strategy !== 'grid';
  const trials = parseInteger(draft.trials, trans);
  if (sampled && (trials.kind !== 'value' || trials.value < 1)) {
    errors['sweep.trials'] = trans.__('expected a whole number of trials');
  }
  const metric = draft.metric.trim();
  if (draft.strategy === 'optuna' && metric === '') {
    errors['sweep.metric'] = trans.__('optuna needs the metric to optimise');
  } else if (metric.length > MAX_METRIC_LENGTH) {
    errors['sweep.metric'] = trans.__(
      'at most %1 characters',
      MAX_METRIC_LENGTH
    );
  }
  const concurrency = parseConcurrency(
    draft.maxConcurrent,
    DEFAULT_SWEEP_CONCURRENCY,
    trans
  );
  if (concurrency.kind === 'error') {
    errors['sweep.max_concurrent_runs'] = concurrency.message;
  }
  return {
    sweep: {
      parameters,
      strategy: draft.strategy,
      trials: sampled && trials.kind === 'value' ? trials.value : null,
      metric: metric || null,
      direction: draft.direction,
      max_concurrent_runs:
        concurrency.kind === 'value'
          ? concurrency.value
          : DEFAULT_SWEEP_CONCURRENCY
    },
    errors
  };
}

/**
 * A swept parameter given as a list.
 */
function parseValuesParameter(
  spec: INotebookParameterSpec,
  text: string,
  trans: TranslationBundle
): ParsedField<ISweepParameter> {
  const parsed = parseSweepValues(spec, text, trans);
  return parsed.kind === 'value'
    ? { kind: 'value', value: { values: parsed.value } }
    : (parsed as ParsedField<ISweepParameter>);
}

/**
 * Whether two sweeps ask for the same trials (the server fills in the
 * defaults a request leaves out).
 */
export function sameSweep(a: ISweepSpec | null, b: ISweepSpec | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return sameJSON(normalizeSweep(a), normalizeSweep(b));
}

/**
 * A sweep as plain JSON with every default filled in and nothing unset.
 */
function normalizeSweep(spec: ISweepSpec): JSONValue {
  const parameter = (value: ISweepParameter): JSONValue => ({
    values: value.values ?? null,
    low: value.low ?? null,
    high: value.high ?? null,
    step: value.step ?? null,
    count: value.count ?? null,
    log: value.log ?? false,
    integer: value.integer ?? false
  });
  return {
    parameters: Object.fromEntries(
      Object.entries(spec.parameters).map(([name, value]) => [
        name,
        parameter(value)
      ])
    ),
    strategy: spec.strategy ?? 'grid',
    trials: spec.trials ?? null,
    metric: spec.metric ?? null,
    direction: spec.direction ?? 'minimize',
    max_concurrent_runs: spec.max_concurrent_runs ?? DEFAULT_SWEEP_CONCURRENCY,
    seed: spec.seed ?? null
  };
}
