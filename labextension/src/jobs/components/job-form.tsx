import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React, { useId } from 'react';

import type {
  IEnvironment,
  INotebookParameterSpec,
  INotebookParametersResponse,
  ISchedulePreview
} from '../../api/types';
import {
  DEFAULT_RETRY_BACKOFF_S,
  type FormErrors,
  type IJobFormDraft,
  MAX_RETRIES,
  MAX_RETRY_BACKOFF_S,
  MAX_TIMEOUT_S,
  type ParameterDraft,
  fieldKind,
  formatDefault,
  parameterField
} from '../form';
import type { IScheduleDraft } from '../schedule';
import type {
  JobFormOption,
  JobFormState,
  SweepFormOption
} from '../state/form';
import type { ISweepDraft, ISweptParameterDraft } from '../sweep';
import {
  FieldError,
  NumberOption,
  OptionField,
  TextOption
} from './form-fields';
import { EnvironmentOption, InputsOption } from './environment-fields';
import { ScheduleFields } from './schedule-fields';
import { SweepOptions, SweptParameterInputs } from './sweep-fields';

/**
 * Most rows a JSON editor grows to.
 */
const MAX_JSON_ROWS = 8;

/**
 * Properties of the "Run with Parameters" form.
 */
export interface IJobFormProps {
  /**
   * Server path of the notebook to run.
   */
  path: string;
  /**
   * The notebook's parameters and kernels, or `null` while they load.
   */
  parameters: INotebookParametersResponse | null;
  /**
   * Why the parameters could not be read, or `null`.
   */
  loadError: string | null;
  /**
   * The workspace's environments, or `null` when the server lists none (the
   * form then offers kernels only).
   */
  environments: ReadonlyArray<IEnvironment> | null;
  /**
   * What the form holds, or `null` while the parameters load.
   */
  draft: IJobFormDraft | null;
  /**
   * The errors to show, by wire field name.
   */
  errors: FormErrors;
  /**
   * The server's message about the run as a whole, or `null`.
   */
  message: string | null;
  /**
   * Whether a submission is in flight.
   */
  submitting: boolean;
  /**
   * Change a parameter; `unreadable` when the browser cannot read the
   * number typed.
   */
  onParameter: (
    name: string,
    value: ParameterDraft,
    unreadable: boolean
  ) => void;
  /**
   * Change a run option.
   */
  onOption: <K extends JobFormOption>(
    key: K,
    value: IJobFormDraft[K],
    unreadable: boolean
  ) => void;
  /**
   * The swept parameters and sweep options, or `null` while the parameters
   * load.
   */
  sweep: ISweepDraft | null;
  /**
   * How many runs the grid makes, or `null` when it cannot tell.
   */
  gridSize: number | null;
  /**
   * The schedule, or `null` in the run form.
   */
  schedule: IScheduleDraft | null;
  /**
   * The preview of the schedule, or `null` in the run form.
   */
  preview: {
    /**
     * The preview, or `null` before (or without) one.
     */
    preview: ISchedulePreview | null;
    /**
     * Whether a preview is awaited.
     */
    loading: boolean;
    /**
     * Why the preview failed, when no field is at fault; or `null`.
     */
    error: string | null;
  } | null;
  /**
   * Switch a parameter between its fixed value and sweep mode.
   */
  onToggleSweep: (name: string) => void;
  /**
   * Change what a swept parameter takes.
   */
  onSweptParameter: (
    name: string,
    changes: Partial<ISweptParameterDraft>
  ) => void;
  /**
   * Change a sweep option.
   */
  onSweepOption: <K extends SweepFormOption>(
    key: K,
    value: ISweepDraft[K]
  ) => void;
  /**
   * Change the schedule.
   */
  onSchedule: <K extends keyof IScheduleDraft>(
    key: K,
    value: IScheduleDraft[K]
  ) => void;
  /**
   * Submit the form (Enter in a field, or the dialog's main button).
   */
  onSubmit: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The form of a job: with a schedule, the schedule first; one field per
 * parameter of the notebook's parameters cell, typed from its default, each
 * with a switch to sweep it; the sweep's options once one is swept; then
 * the run options (kernel or environment, data inputs, timeout, retries,
 * output formats, experiment). Each field shows its error beside it.
 */
export function JobForm(props: IJobFormProps): JSX.Element {
  const { parameters, draft, sweep, schedule, errors, trans } = props;
  const sweeping =
    sweep !== null && Object.values(sweep.parameters).some(p => p.swept);
  return (
    <form
      className="jp-mlx-JobForm"
      aria-busy={props.submitting || parameters === null}
      aria-label={
        schedule === null
          ? trans.__('Run %1 with parameters', props.path)
          : trans.__('Schedule %1', props.path)
      }
      noValidate
      onSubmit={event => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <div className="jp-mlx-JobForm-notebook" data-field="notebook">
        {trans.__('Notebook: %1', props.path)}
        <FieldError error={errors['notebook']} />
      </div>
      {props.loadError !== null && (
        <div
          className="jp-mlx-ErrorNote jp-mlx-JobForm-message jp-mod-error"
          role="alert"
        >
          {trans.__('Cannot read the parameters: %1', props.loadError)}
        </div>
      )}
      {parameters === null || draft === null || sweep === null ? (
        props.loadError === null && (
          <p className="jp-mlx-Note jp-mlx-JobForm-loading">
            {trans.__('Reading the notebook’s parameters…')}
          </p>
        )
      ) : (
        <>
          {schedule !== null && (
            <ScheduleFields
              path={props.path}
              schedule={schedule}
              preview={props.preview?.preview ?? null}
              previewLoading={props.preview?.loading ?? false}
              previewError={props.preview?.error ?? null}
              errors={errors}
              onSchedule={props.onSchedule}
              trans={trans}
            />
          )}
          <fieldset className="jp-mlx-JobForm-parameters">
            <legend>{trans.__('Parameters')}</legend>
            <ParameterFields
              {...props}
              parameters={parameters}
              draft={draft}
              sweep={sweep}
            />
          </fieldset>
          {sweeping && (
            <SweepOptions
              sweep={sweep}
              gridSize={props.gridSize}
              errors={errors}
              onOption={props.onSweepOption}
              trans={trans}
            />
          )}
          <fieldset className="jp-mlx-JobForm-options">
            <legend>{trans.__('Run options')}</legend>
            <OptionFields {...props} parameters={parameters} draft={draft} />
          </fieldset>
        </>
      )}
      {props.message !== null && (
        <div
          className="jp-mlx-ErrorNote jp-mlx-JobForm-message jp-mod-error"
          role="alert"
        >
          {props.message}
        </div>
      )}
      {props.submitting && (
        <p className="jp-mlx-Note jp-mlx-JobForm-submitting">
          {schedule !== null
            ? trans.__('Saving the schedule…')
            : sweeping
              ? trans.__('Starting the sweep…')
              : trans.__('Submitting the run…')}
        </p>
      )}
    </form>
  );
}

/**
 * The parameters' fields, or why there are none.
 */
function ParameterFields(
  props: IJobFormProps & {
    parameters: INotebookParametersResponse;
    draft: IJobFormDraft;
    sweep: ISweepDraft;
  }
): JSX.Element {
  const { parameters, draft, sweep, errors, trans } = props;
  if (!parameters.has_parameters_cell) {
    return (
      <p className="jp-mlx-Note jp-mlx-JobForm-noParameters">
        {trans.__(
          'This notebook has no cell tagged “parameters”: it runs with the values it holds.'
        )}
      </p>
    );
  }
  if (parameters.parameters.length === 0) {
    return (
      <p className="jp-mlx-Note jp-mlx-JobForm-noParameters">
        {trans.__('The parameters cell assigns no names.')}
      </p>
    );
  }
  return (
    <>
      {parameters.parameters.map(spec => (
        <ParameterField
          key={spec.name}
          spec={spec}
          draft={draft.parameters[spec.name] ?? null}
          swept={sweep.parameters[spec.name]}
          strategy={sweep.strategy}
          error={errors[parameterField(spec.name)]}
          onChange={(value, unreadable) =>
            props.onParameter(spec.name, value, unreadable)
          }
          onToggleSweep={() => props.onToggleSweep(spec.name)}
          onSweptChange={changes => props.onSweptParameter(spec.name, changes)}
          trans={trans}
        />
      ))}
    </>
  );
}

/**
 * One parameter: its name and type, the input its type calls for (or, in
 * sweep mode, the values it takes), the switch to sweep mode, its default
 * and help text, and its error.
 */
function ParameterField(props: {
  spec: INotebookParameterSpec;
  draft: ParameterDraft;
  swept: ISweptParameterDraft | undefined;
  strategy: ISweepDraft['strategy'];
  error: string | undefined;
  onChange: (value: ParameterDraft, unreadable: boolean) => void;
  onToggleSweep: () => void;
  onSweptChange: (changes: Partial<ISweptParameterDraft>) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { spec, draft, swept, error, onChange, trans } = props;
  const id = useId();
  const kind = fieldKind(spec.type);
  const describedBy = `${id}-hint${error ? ` ${id}-error` : ''}`;
  const common = {
    id,
    'aria-invalid': error !== undefined,
    'aria-describedby': describedBy
  };
  const text = typeof draft === 'string' ? draft : '';
  let input: JSX.Element;
  switch (kind) {
    case 'boolean':
      input = (
        <input
          {...common}
          type="checkbox"
          className="jp-mlx-JobForm-checkbox"
          checked={draft === true}
          ref={node => {
            if (node) {
              node.indeterminate = draft === null;
            }
          }}
          onChange={event => onChange(event.target.checked, false)}
        />
      );
      break;
    case 'integer':
    case 'float':
      input = (
        <input
          {...common}
          type="number"
          className="jp-mlx-JobForm-input"
          step={kind === 'integer' ? 1 : 'any'}
          inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
          value={text}
          placeholder={spec.default_source}
          onChange={event =>
            onChange(
              event.target.value,
              event.target.validity?.badInput ?? false
            )
          }
        />
      );
      break;
    case 'text':
      input = (
        <input
          {...common}
          type="text"
          className="jp-mlx-JobForm-input"
          value={text}
          placeholder={spec.default_source}
          onChange={event => onChange(event.target.value, false)}
        />
      );
      break;
    default:
      input = (
        <textarea
          {...common}
          className="jp-mlx-JobForm-json"
          spellCheck={false}
          rows={Math.min(MAX_JSON_ROWS, Math.max(2, text.split('\n').length))}
          value={text}
          placeholder={spec.default_source}
          onChange={event => onChange(event.target.value, false)}
        />
      );
  }
  const shownDefault = formatDefault(spec) || spec.default_source;
  const sweeping = swept?.swept ?? false;
  return (
    <div
      className={`jp-mlx-JobForm-field jp-mod-${kind}${sweeping ? ' jp-mod-swept' : ''}`}
      data-parameter={spec.name}
      data-type={spec.type}
    >
      <label htmlFor={id} className="jp-mlx-JobForm-label">
        <span className="jp-mlx-JobForm-name">{spec.name}</span>
        <span className="jp-mlx-JobForm-type">{spec.type}</span>
      </label>
      {sweeping && swept ? (
        <SweptParameterInputs
          {...common}
          spec={spec}
          draft={swept}
          strategy={props.strategy}
          onChange={props.onSweptChange}
          trans={trans}
        />
      ) : (
        input
      )}
      <button
        type="button"
        className="jp-mlx-JobForm-sweepToggle"
        aria-pressed={sweeping}
        aria-label={trans.__('Sweep %1', spec.name)}
        title={
          sweeping
            ? trans.__('Run %1 with one value', spec.name)
            : trans.__('Try several values of %1 (a sweep)', spec.name)
        }
        onClick={props.onToggleSweep}
      >
        {trans.__('Sweep')}
      </button>
      <div id={`${id}-hint`} className="jp-mlx-JobForm-hint">
        <span
          className="jp-mlx-JobForm-default"
          title={trans.__('As written in the parameters cell')}
        >
          {trans.__('default: %1', spec.default_source || shownDefault)}
        </span>
        {spec.help && <span className="jp-mlx-JobForm-help">{spec.help}</span>}
      </div>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/**
 * The run options: kernel or environment, data inputs, timeout, retries and
 * their backoff, output formats and experiment.
 */
function OptionFields(
  props: IJobFormProps & {
    parameters: INotebookParametersResponse;
    draft: IJobFormDraft;
  }
): JSX.Element {
  const { parameters, draft, errors, onOption, trans } = props;
  // An empty kernel is the environment's own, or the server's default.
  const unlisted =
    draft.kernel === ''
      ? draft.environment
        ? trans.__('The environment’s kernel')
        : trans.__('Default')
      : draft.kernel;
  const kernels = parameters.kernels.some(
    kernel => kernel.name === draft.kernel
  )
    ? parameters.kernels
    : [
        {
          name: draft.kernel,
          display_name: unlisted,
          language: ''
        },
        ...parameters.kernels
      ];
  const numberChange =
    (key: 'timeout' | 'retries' | 'retryBackoff') =>
    (event: React.ChangeEvent<HTMLInputElement>) =>
      onOption(
        key,
        event.target.value,
        event.target.validity?.badInput ?? false
      );
  return (
    <>
      <OptionField
        field="kernel"
        label={trans.__('Kernel')}
        error={errors['kernel']}
      >
        {(id, describedBy) => (
          <select
            id={id}
            className="jp-mlx-JobForm-select"
            value={draft.kernel}
            aria-invalid={errors['kernel'] !== undefined}
            aria-describedby={describedBy}
            onChange={event => onOption('kernel', event.target.value, false)}
          >
            {kernels.map(kernel => (
              <option key={kernel.name} value={kernel.name}>
                {kernel.name === parameters.default_kernel
                  ? trans.__('%1 (default)', kernel.display_name)
                  : kernel.display_name}
              </option>
            ))}
          </select>
        )}
      </OptionField>
      {(props.environments !== null || draft.environment !== '') && (
        <EnvironmentOption
          environments={props.environments ?? []}
          value={draft.environment}
          install={draft.installEnvironment}
          errors={errors}
          onChange={name => onOption('environment', name, false)}
          onInstall={install => onOption('installEnvironment', install, false)}
          trans={trans}
        />
      )}
      <InputsOption
        value={draft.inputs}
        error={errors['inputs']}
        onChange={value => onOption('inputs', value, false)}
        trans={trans}
      />
      <NumberOption
        field="timeout"
        label={trans.__('Timeout (seconds)')}
        hint={trans.__('Empty: no limit. At most %1.', MAX_TIMEOUT_S)}
        error={errors['timeout']}
        max={MAX_TIMEOUT_S}
        placeholder={trans.__('none')}
        value={draft.timeout}
        onChange={numberChange('timeout')}
      />
      <NumberOption
        field="retries"
        label={trans.__('Retries')}
        hint={trans.__(
          'Attempts after a failed first one, 0 to %1.',
          MAX_RETRIES
        )}
        error={errors['retries']}
        max={MAX_RETRIES}
        integer
        placeholder="0"
        value={draft.retries}
        onChange={numberChange('retries')}
      />
      <NumberOption
        field="retry_backoff"
        label={trans.__('Retry backoff (seconds)')}
        hint={trans.__(
          'Wait before the first retry, doubled for each next; 0 to %1.',
          MAX_RETRY_BACKOFF_S
        )}
        error={errors['retry_backoff']}
        max={MAX_RETRY_BACKOFF_S}
        placeholder={String(DEFAULT_RETRY_BACKOFF_S)}
        value={draft.retryBackoff}
        onChange={numberChange('retryBackoff')}
      />
      <div className="jp-mlx-JobForm-field" data-field="output_formats">
        <span className="jp-mlx-JobForm-label">
          <span className="jp-mlx-JobForm-name">
            {trans.__('Output formats')}
          </span>
        </span>
        <div className="jp-mlx-JobForm-formats">
          <label>
            <input type="checkbox" checked disabled />
            {trans.__('Notebook (.ipynb)')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={draft.html}
              onChange={event => onOption('html', event.target.checked, false)}
            />
            {trans.__('HTML')}
          </label>
        </div>
        <FieldError error={errors['output_formats']} />
      </div>
      <TextOption
        field="experiment"
        label={trans.__('Experiment')}
        hint={trans.__('Empty: the notebook’s path.')}
        error={errors['experiment']}
        placeholder={parameters.path}
        value={draft.experiment}
        onChange={value => onOption('experiment', value, false)}
      />
    </>
  );
}

/**
 * The form of a form state, rendered again whenever the state changes.
 */
export function LiveJobForm(props: {
  /**
   * What the form shows and edits.
   */
  state: JobFormState;
  /**
   * Submit the form (Enter in a field).
   */
  onSubmit: () => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { state } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <JobForm
          path={state.path}
          parameters={state.parameters}
          loadError={state.loadError}
          environments={state.environments}
          draft={state.draft}
          errors={state.errors}
          message={state.message}
          submitting={state.submitting}
          onParameter={(name, value, unreadable) =>
            state.setParameter(name, value, unreadable)
          }
          onOption={(key, value, unreadable) =>
            state.setOption(key, value, unreadable)
          }
          sweep={state.sweep}
          gridSize={state.gridSize}
          schedule={state.schedule}
          preview={
            state.preview && {
              preview: state.preview.preview,
              loading: state.preview.loading,
              error: state.preview.error?.field
                ? null
                : (state.preview.error?.message ?? null)
            }
          }
          onToggleSweep={name => state.toggleSweep(name)}
          onSweptParameter={(name, changes) =>
            state.setSweptParameter(name, changes)
          }
          onSweepOption={(key, value) => state.setSweepOption(key, value)}
          onSchedule={(key, value) => state.setSchedule(key, value)}
          onSubmit={props.onSubmit}
          trans={props.trans}
        />
      )}
    </UseSignal>
  );
}
