import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type {
  Direction,
  INotebookParameterSpec,
  SweepStrategy
} from '../../api/types';
import { type FormErrors, MAX_CONCURRENT_RUNS } from '../form';
import type { SweepFormOption } from '../state/form';
import {
  DEFAULT_SWEEP_CONCURRENCY,
  type ISweepDraft,
  type ISweptParameterDraft,
  type RangeSpacing,
  SWEEP_STRATEGIES,
  type SweepKind,
  canSweepRange
} from '../sweep';
import {
  ChoiceOption,
  FieldError,
  NumberOption,
  TextOption
} from './form-fields';

/**
 * The translated name of a sweep strategy.
 */
export function strategyLabel(
  strategy: SweepStrategy,
  trans: TranslationBundle
): string {
  switch (strategy) {
    case 'grid':
      return trans.__('Grid (every combination)');
    case 'random':
      return trans.__('Random');
    default:
      return trans.__('Optuna (learns from the trials)');
  }
}

/**
 * The translated name of a direction.
 */
export function directionLabel(
  direction: Direction,
  trans: TranslationBundle
): string {
  return direction === 'maximize' ? trans.__('Maximize') : trans.__('Minimize');
}

/**
 * Properties of a swept parameter's inputs.
 */
export interface ISweptParameterInputsProps {
  /**
   * Id of the first input (the parameter's label points to it).
   */
  id: string;
  /**
   * Ids of the hint and error describing the inputs.
   */
  'aria-describedby': string;
  /**
   * Whether the parameter's sweep has an error.
   */
  'aria-invalid': boolean;
  /**
   * The parameter.
   */
  spec: INotebookParameterSpec;
  /**
   * What the user typed for it.
   */
  draft: ISweptParameterDraft;
  /**
   * The sweep's strategy (a grid needs a range's step or count).
   */
  strategy: SweepStrategy;
  /**
   * Change what the parameter takes.
   */
  onChange: (changes: Partial<ISweptParameterDraft>) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * What a parameter takes in a sweep: a list of values typed like the
 * parameter, or for a number a range (bounds, a grid's step or count, and a
 * log scale).
 */
export function SweptParameterInputs(
  props: ISweptParameterInputsProps
): JSX.Element {
  const { spec, draft, onChange, trans } = props;
  const name = spec.name;
  const ranged = canSweepRange(spec) && draft.kind === 'range';
  const described = {
    'aria-describedby': props['aria-describedby'],
    'aria-invalid': props['aria-invalid']
  };
  const text = (
    key: 'values' | 'low' | 'high' | 'step' | 'count',
    label: string,
    placeholder: string,
    id?: string
  ): JSX.Element => (
    <input
      {...described}
      id={id}
      type="text"
      className={`jp-mlx-JobForm-input jp-mlx-SweepInputs-${key}`}
      inputMode={key === 'values' ? undefined : 'decimal'}
      aria-label={label}
      placeholder={placeholder}
      value={draft[key]}
      onChange={event => onChange({ [key]: event.target.value })}
    />
  );
  return (
    <div className="jp-mlx-SweepInputs">
      {canSweepRange(spec) && (
        <select
          id={props.id}
          className="jp-mlx-JobForm-select"
          aria-label={trans.__('%1 sweep kind', name)}
          value={draft.kind}
          onChange={event =>
            onChange({ kind: event.target.value as SweepKind })
          }
        >
          <option value="values">{trans.__('Values')}</option>
          <option value="range">{trans.__('Range')}</option>
        </select>
      )}
      {ranged ? (
        <>
          {text('low', trans.__('%1 low', name), trans.__('low'))}
          {text('high', trans.__('%1 high', name), trans.__('high'))}
          <select
            className="jp-mlx-JobForm-select"
            aria-label={trans.__('%1 grid spacing', name)}
            value={draft.spacing}
            onChange={event =>
              onChange({ spacing: event.target.value as RangeSpacing })
            }
          >
            <option value="count">{trans.__('count')}</option>
            <option value="step">{trans.__('step')}</option>
          </select>
          {draft.spacing === 'step'
            ? text(
                'step',
                trans.__('%1 step', name),
                props.strategy === 'grid' ? trans.__('step') : trans.__('any')
              )
            : text(
                'count',
                trans.__('%1 count', name),
                props.strategy === 'grid' ? trans.__('count') : trans.__('any')
              )}
          <label className="jp-mlx-SweepInputs-log">
            <input
              type="checkbox"
              checked={draft.log}
              onChange={event => onChange({ log: event.target.checked })}
            />
            {trans.__('log scale')}
          </label>
        </>
      ) : (
        text(
          'values',
          trans.__('%1 values', name),
          trans.__('comma separated, e.g. %1', valuesExample(spec)),
          canSweepRange(spec) ? undefined : props.id
        )
      )}
    </div>
  );
}

/**
 * An example of the values a parameter's list takes.
 */
function valuesExample(spec: INotebookParameterSpec): string {
  switch (spec.type) {
    case 'int':
      return '16, 32, 64';
    case 'float':
      return '0.001, 0.01, 0.1';
    case 'bool':
      return 'true, false';
    case 'str':
      return 'adam, sgd';
    case 'list':
      return '[1, 2], [3]';
    case 'dict':
      return '{"a": 1}, {"a": 2}';
    default:
      return '1, "two", null';
  }
}

/**
 * Properties of the sweep's options.
 */
export interface ISweepOptionsProps {
  /**
   * The sweep's draft.
   */
  sweep: ISweepDraft;
  /**
   * How many runs the grid makes, or `null` when it cannot tell.
   */
  gridSize: number | null;
  /**
   * The errors to show, by wire field name.
   */
  errors: FormErrors;
  /**
   * Change a sweep option.
   */
  onOption: <K extends SweepFormOption>(key: K, value: ISweepDraft[K]) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The sweep's options: strategy (and trials of a sampled one), the metric
 * and its direction, the trials executing at once, and a grid's size.
 */
export function SweepOptions(props: ISweepOptionsProps): JSX.Element {
  const { sweep, errors, onOption, trans } = props;
  const sampled = sweep.strategy !== 'grid';
  return (
    <fieldset className="jp-mlx-JobForm-sweep">
      <legend>{trans.__('Sweep')}</legend>
      <ChoiceOption
        field="sweep.strategy"
        label={trans.__('Strategy')}
        error={errors['sweep.strategy']}
        value={sweep.strategy}
        choices={SWEEP_STRATEGIES.map(value => ({
          value,
          label: strategyLabel(value, trans)
        }))}
        onChange={value => onOption('strategy', value)}
      />
      {sampled ? (
        <NumberOption
          field="sweep.trials"
          label={trans.__('Trials')}
          hint={trans.__('How many runs the sweep makes.')}
          error={errors['sweep.trials']}
          min={1}
          integer
          placeholder="20"
          value={sweep.trials}
          onChange={event => onOption('trials', event.target.value)}
        />
      ) : (
        <p
          className="jp-mlx-JobForm-gridSize"
          role="status"
          aria-label={trans.__('Runs of the grid')}
        >
          {props.gridSize === null
            ? trans.__('Give each range a step or a count to size the grid.')
            : trans._n(
                'The grid makes %1 run.',
                'The grid makes %1 runs.',
                props.gridSize
              )}
        </p>
      )}
      <TextOption
        field="sweep.metric"
        label={trans.__('Metric')}
        hint={trans.__(
          'A metric the notebook logs: it ranks the trials (optuna optimises it).'
        )}
        error={errors['sweep.metric']}
        placeholder={trans.__('e.g. val_loss')}
        value={sweep.metric}
        onChange={value => onOption('metric', value)}
      />
      <ChoiceOption
        field="sweep.direction"
        label={trans.__('Direction')}
        error={errors['sweep.direction']}
        value={sweep.direction}
        choices={(['minimize', 'maximize'] as const).map(value => ({
          value,
          label: directionLabel(value, trans)
        }))}
        onChange={value => onOption('direction', value)}
      />
      <NumberOption
        field="sweep.max_concurrent_runs"
        label={trans.__('Max concurrent trials')}
        hint={trans.__('Trials running at once, 1 to %1.', MAX_CONCURRENT_RUNS)}
        error={errors['sweep.max_concurrent_runs']}
        min={1}
        max={MAX_CONCURRENT_RUNS}
        integer
        placeholder={String(DEFAULT_SWEEP_CONCURRENCY)}
        value={sweep.maxConcurrent}
        onChange={event => onOption('maxConcurrent', event.target.value)}
      />
      <FieldError error={errors['sweep.parameters']} />
    </fieldset>
  );
}
