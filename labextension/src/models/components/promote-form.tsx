import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React, { useId } from 'react';

import type { IModelVersion, IPromotion, IRunModel } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { FormField } from '../../shared/components/form-field';
import type {
  IPromoteDraft,
  PromoteFormErrors,
  PromoteFormField,
  PromotionPhase,
  PromotionState
} from '../state/promotion';
import { GateResults } from './gate-results';

/**
 * Rows of the gates field (it scrolls beyond).
 */
const GATE_ROWS = 3;

/**
 * Properties of the promote form.
 */
export interface IPromoteFormProps {
  /**
   * `run` promotes a run's model; `version` moves an alias to a version.
   */
  kind: 'run' | 'version';
  /**
   * What the form holds.
   */
  draft: Readonly<IPromoteDraft>;
  /**
   * The errors to show, by field.
   */
  errors: PromoteFormErrors;
  /**
   * A message about no field, or `null`.
   */
  message: string | null;
  /**
   * Where the promotion is; the fields are read-only once it is sent.
   */
  phase: PromotionPhase;
  /**
   * The run's models (run form).
   */
  runModels: ReadonlyArray<IRunModel>;
  /**
   * The registered model names offered (run form).
   */
  modelNames: ReadonlyArray<string>;
  /**
   * The model's versions (version form).
   */
  versions: ReadonlyArray<IModelVersion>;
  /**
   * Why the smoke test cannot run, or `null`.
   */
  smokeUnavailable: string | null;
  /**
   * The promotion as last read, or `null` before it started.
   */
  promotion: IPromotion | null;
  /**
   * Change a field.
   */
  onChange: <K extends PromoteFormField>(
    field: K,
    value: IPromoteDraft[K]
  ) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The promote form: the run's model (or the version), the registered model,
 * the alias, the gates, the smoke test and a note, each with its error
 * beside it; then the gates as they run and the outcome.
 */
export function PromoteForm(props: IPromoteFormProps): JSX.Element {
  const { draft, errors, trans } = props;
  const namesId = useId();
  if (props.phase === 'loading') {
    return <p className="jp-mlx-Note">{trans.__('Loading…')}</p>;
  }
  return (
    <form
      className="jp-mlx-PromoteForm"
      aria-busy={props.phase === 'submitting' || props.phase === 'running'}
      onSubmit={event => event.preventDefault()}
    >
      <ErrorNote error={props.message} className="jp-mlx-PromoteForm-message" />
      <fieldset
        className="jp-mlx-PromoteForm-fields"
        disabled={props.phase !== 'editing'}
      >
        {props.kind === 'run' ? (
          <RunModelField {...props} />
        ) : (
          <VersionField {...props} />
        )}
        <FormField
          block="jp-mlx-PromoteForm"
          field="name"
          label={trans.__('Registered model')}
          hint={
            props.kind === 'run'
              ? trans.__(
                  'An existing model gets a new version; a new name creates the model.'
                )
              : ''
          }
          error={errors.name}
        >
          {(id, describedBy) => (
            <>
              <input
                id={id}
                type="text"
                className="jp-mlx-PromoteForm-input"
                value={draft.name}
                list={props.kind === 'run' ? namesId : undefined}
                readOnly={props.kind === 'version'}
                placeholder={trans.__('e.g. wine')}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.name !== undefined}
                aria-describedby={describedBy}
                onChange={event => props.onChange('name', event.target.value)}
              />
              <datalist id={namesId}>
                {props.modelNames.map(name => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </>
          )}
        </FormField>
        <FormField
          block="jp-mlx-PromoteForm"
          field="alias"
          label={trans.__('Alias')}
          hint={trans.__('Moved to the new version, e.g. champion or staging.')}
          error={errors.alias}
        >
          {(id, describedBy) => (
            <input
              id={id}
              type="text"
              className="jp-mlx-PromoteForm-input"
              value={draft.alias}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={errors.alias !== undefined}
              aria-describedby={describedBy}
              onChange={event => props.onChange('alias', event.target.value)}
            />
          )}
        </FormField>
        <FormField
          block="jp-mlx-PromoteForm"
          field="gates"
          label={trans.__('Gates')}
          hint={trans.__(
            'One a line: METRIC OP VALUE, e.g. val_accuracy >= 0.9 or loss < champion.loss. Filled with the model’s default gates.'
          )}
          error={errors.gates}
        >
          {(id, describedBy) => (
            <textarea
              id={id}
              className="jp-mlx-PromoteForm-lines"
              rows={GATE_ROWS}
              value={draft.gates}
              spellCheck={false}
              aria-invalid={errors.gates !== undefined}
              aria-describedby={describedBy}
              onChange={event => props.onChange('gates', event.target.value)}
            />
          )}
        </FormField>
        <SmokeField {...props} />
        <FormField
          block="jp-mlx-PromoteForm"
          field="note"
          label={trans.__('Note')}
          hint={trans.__('Why, for the alias history.')}
          error={errors.note}
        >
          {(id, describedBy) => (
            <input
              id={id}
              type="text"
              className="jp-mlx-PromoteForm-input"
              value={draft.note}
              aria-invalid={errors.note !== undefined}
              aria-describedby={describedBy}
              onChange={event => props.onChange('note', event.target.value)}
            />
          )}
        </FormField>
      </fieldset>
      {props.promotion && (
        <GateResults promotion={props.promotion} trans={trans} />
      )}
    </form>
  );
}

/**
 * The form of a promotion, rendered again whenever it changes.
 */
export function LivePromoteForm(props: {
  state: PromotionState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <PromoteForm
          kind={state.target.kind}
          draft={state.draft}
          errors={state.errors}
          message={state.message}
          phase={state.phase}
          runModels={state.runModels}
          modelNames={state.modelNames}
          versions={state.versions}
          smokeUnavailable={state.smokeUnavailable}
          promotion={state.promotion}
          onChange={(field, value) => state.set(field, value)}
          trans={trans}
        />
      )}
    </UseSignal>
  );
}

/**
 * The run's model to promote, and what it holds.
 */
function RunModelField(props: IPromoteFormProps): JSX.Element {
  const { draft, errors, trans } = props;
  const model = props.runModels.find(
    candidate => candidate.artifact_path === draft.artifact_path
  );
  return (
    <FormField
      block="jp-mlx-PromoteForm"
      field="artifact_path"
      label={trans.__('Model')}
      hint={model ? describeModel(model, trans) : ''}
      error={errors.artifact_path}
    >
      {(id, describedBy) => (
        <select
          id={id}
          className="jp-mlx-PromoteForm-select"
          value={draft.artifact_path}
          aria-invalid={errors.artifact_path !== undefined}
          aria-describedby={describedBy}
          onChange={event =>
            props.onChange('artifact_path', event.target.value)
          }
        >
          {props.runModels.map(candidate => (
            <option
              key={candidate.artifact_path}
              value={candidate.artifact_path}
            >
              {candidate.source === 'logged_model'
                ? trans.__('%1 (logged model)', candidate.artifact_path)
                : trans.__('%1 (artifact folder)', candidate.artifact_path)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/**
 * A run's model in one line: flavours, signature, input example.
 */
export function describeModel(
  model: IRunModel,
  trans: TranslationBundle
): string {
  return trans.__(
    'Flavours: %1. Signature: %2. Input example: %3.',
    model.flavors.join(', ') || trans.__('none'),
    model.signature ? trans.__('yes') : trans.__('no'),
    model.has_input_example ? trans.__('yes') : trans.__('no')
  );
}

/**
 * The version the alias moves to, with the aliases it holds and its run.
 */
function VersionField(props: IPromoteFormProps): JSX.Element {
  const { draft, errors, trans } = props;
  return (
    <FormField
      block="jp-mlx-PromoteForm"
      field="version"
      label={trans.__('Version')}
      hint=""
      error={errors.version}
    >
      {(id, describedBy) => (
        <select
          id={id}
          className="jp-mlx-PromoteForm-select"
          value={draft.version}
          aria-invalid={errors.version !== undefined}
          aria-describedby={describedBy}
          onChange={event => props.onChange('version', event.target.value)}
        >
          {props.versions.map(version => (
            <option key={version.version} value={version.version}>
              {versionLabel(version, trans)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/**
 * A version as the version menu lists it: number, aliases, run.
 */
function versionLabel(
  version: IModelVersion,
  trans: TranslationBundle
): string {
  const aliases = version.aliases.map(alias => `@${alias}`).join(' ');
  const run = version.run_name ?? version.run_id ?? trans.__('no run');
  return aliases
    ? trans.__('Version %1 %2 (run %3)', version.version, aliases, run)
    : trans.__('Version %1 (run %2)', version.version, run);
}

/**
 * The smoke-test checkbox, disabled with the reason when it cannot run.
 */
function SmokeField(props: IPromoteFormProps): JSX.Element {
  const { draft, errors, trans, smokeUnavailable } = props;
  const id = useId();
  return (
    <div className="jp-mlx-PromoteForm-field" data-field="smoke">
      <label className="jp-mlx-PromoteForm-check">
        <input
          type="checkbox"
          checked={draft.smoke}
          disabled={smokeUnavailable !== null}
          aria-describedby={`${id}-hint`}
          onChange={event => props.onChange('smoke', event.target.checked)}
        />
        {trans.__('Smoke test')}
      </label>
      <div id={`${id}-hint`} className="jp-mlx-PromoteForm-hint">
        {smokeUnavailable ??
          trans.__(
            'Load the model in a subprocess and predict on its input example.'
          )}
      </div>
      {errors.smoke && (
        <div className="jp-mlx-PromoteForm-error" role="alert">
          {errors.smoke}
        </div>
      )}
    </div>
  );
}
