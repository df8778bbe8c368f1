import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { EnvironmentFlavour } from '../../api/types';
import { ErrorNote } from '../../shared/components/error-note';
import { FormField } from '../../shared/components/form-field';
import {
  DEFAULT_CHANNEL,
  DEFAULT_CONDA_DEPENDENCIES,
  DEFAULT_PIP_REQUIREMENTS
} from '../spec';
import type {
  EnvironmentFormErrors,
  EnvironmentFormField,
  EnvironmentFormState,
  IEnvironmentDraft
} from '../state/form';

/**
 * Rows of a list field (it scrolls beyond).
 */
const LIST_ROWS = 4;

/**
 * Properties of the "New environment" form.
 */
export interface IEnvironmentFormProps {
  /**
   * What the form holds.
   */
  draft: Readonly<IEnvironmentDraft>;
  /**
   * The errors to show, by field.
   */
  errors: EnvironmentFormErrors;
  /**
   * The server's refusal about no field of the form, or `null`.
   */
  message: string | null;
  /**
   * Whether a submission is in flight.
   */
  submitting: boolean;
  /**
   * Change a field.
   */
  onChange: <K extends EnvironmentFormField>(
    field: K,
    value: IEnvironmentDraft[K]
  ) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The "New environment" form: name, flavour, channels, dependencies and pip
 * requirements (one a line), each with its error beside it.
 */
export function EnvironmentForm(props: IEnvironmentFormProps): JSX.Element {
  const { draft, errors, trans } = props;
  const conda = draft.flavour === 'conda';
  return (
    <form
      className="jp-mlx-EnvironmentForm"
      aria-busy={props.submitting}
      onSubmit={event => event.preventDefault()}
    >
      <ErrorNote
        error={props.message}
        className="jp-mlx-EnvironmentForm-message"
      />
      <FormField
        block="jp-mlx-EnvironmentForm"
        field="name"
        label={trans.__('Name')}
        hint={trans.__(
          'Also the name of its kernel (mlx-<name>) and of its folder, envs/<name>.'
        )}
        error={errors.name}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="text"
            className="jp-mlx-EnvironmentForm-input"
            value={draft.name}
            placeholder={trans.__('e.g. training')}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.name !== undefined}
            aria-describedby={describedBy}
            onChange={event => props.onChange('name', event.target.value)}
          />
        )}
      </FormField>
      <FormField
        block="jp-mlx-EnvironmentForm"
        field="flavour"
        label={trans.__('Flavour')}
        hint={
          conda
            ? trans.__('An environment.yml: conda packages, and pip ones.')
            : trans.__(
                'A requirements.in: pip packages in a virtual environment.'
              )
        }
        error={errors.flavour}
      >
        {(id, describedBy) => (
          <select
            id={id}
            className="jp-mlx-EnvironmentForm-select"
            value={draft.flavour}
            aria-invalid={errors.flavour !== undefined}
            aria-describedby={describedBy}
            onChange={event =>
              props.onChange(
                'flavour',
                event.target.value as EnvironmentFlavour
              )
            }
          >
            <option value="conda">{trans.__('conda (environment.yml)')}</option>
            <option value="pip">{trans.__('pip (requirements.in)')}</option>
          </select>
        )}
      </FormField>
      {conda && (
        <ListField
          field="channels"
          label={trans.__('Channels')}
          hint={trans.__(
            'One a line: a name or a URL (file:// works). Default: %1.',
            DEFAULT_CHANNEL
          )}
          placeholder={DEFAULT_CHANNEL}
          {...props}
        />
      )}
      <ListField
        field="dependencies"
        label={conda ? trans.__('Dependencies') : trans.__('Requirements')}
        hint={
          conda
            ? trans.__(
                'One conda match spec a line, e.g. numpy>=1.26. Add ipykernel for a kernel.'
              )
            : trans.__(
                'One requirement a line, e.g. scikit-learn==1.5.*. Add ipykernel for a kernel.'
              )
        }
        placeholder={(conda
          ? DEFAULT_CONDA_DEPENDENCIES
          : DEFAULT_PIP_REQUIREMENTS
        ).join('\n')}
        {...props}
      />
      {conda && (
        <ListField
          field="pip"
          label={trans.__('Pip requirements')}
          hint={trans.__(
            'One a line, installed with pip after the conda packages.'
          )}
          placeholder=""
          {...props}
        />
      )}
    </form>
  );
}

/**
 * The form of a form state, rendered again whenever it changes.
 */
export function LiveEnvironmentForm(props: {
  state: EnvironmentFormState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <EnvironmentForm
          draft={state.draft}
          errors={state.errors}
          message={state.message}
          submitting={state.submitting}
          onChange={(field, value) => state.set(field, value)}
          trans={trans}
        />
      )}
    </UseSignal>
  );
}

/**
 * A field taking one item a line.
 */
function ListField(
  props: IEnvironmentFormProps & {
    field: 'channels' | 'dependencies' | 'pip';
    label: string;
    hint: string;
    placeholder: string;
  }
): JSX.Element {
  const { field, errors } = props;
  return (
    <FormField
      block="jp-mlx-EnvironmentForm"
      field={field}
      label={props.label}
      hint={props.hint}
      error={errors[field]}
    >
      {(id, describedBy) => (
        <textarea
          id={id}
          className="jp-mlx-EnvironmentForm-lines"
          rows={LIST_ROWS}
          value={props.draft[field]}
          placeholder={props.placeholder}
          spellCheck={false}
          aria-invalid={errors[field] !== undefined}
          aria-describedby={describedBy}
          onChange={event => props.onChange(field, event.target.value)}
        />
      )}
    </FormField>
  );
}
