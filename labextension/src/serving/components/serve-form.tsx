import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { ErrorNote } from '../../shared/components/error-note';
import { FormField } from '../../shared/components/form-field';
import type {
  IServeDraft,
  ServeFormErrors,
  ServeFormField,
  ServeFormState
} from '../state/serve-form';

/**
 * Properties of the Serve form.
 */
export interface IServeFormProps {
  /**
   * What the form holds.
   */
  draft: Readonly<IServeDraft>;
  /**
   * The errors to show, by field.
   */
  errors: ServeFormErrors;
  /**
   * The server's refusal about no field, or `null`.
   */
  message: string | null;
  /**
   * Whether a submission is in flight.
   */
  submitting: boolean;
  /**
   * Change a field.
   */
  onChange: (field: ServeFormField, value: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The Serve form: endpoint name, model URI and port, each with its error.
 */
export function ServeForm(props: IServeFormProps): JSX.Element {
  const { draft, errors, trans } = props;
  const block = 'jp-mlx-ServeForm';
  return (
    <form
      className={block}
      aria-busy={props.submitting}
      onSubmit={event => event.preventDefault()}
    >
      <ErrorNote error={props.message} className={`${block}-message`} />
      <FormField
        block={block}
        field="name"
        label={trans.__('Endpoint name')}
        hint={trans.__(
          'Reached through Jupyter at mlx/endpoints/<name>/invocations.'
        )}
        error={errors.name}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="text"
            className={`${block}-input`}
            value={draft.name}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.name !== undefined}
            aria-describedby={describedBy}
            onChange={event => props.onChange('name', event.target.value)}
          />
        )}
      </FormField>
      <FormField
        block={block}
        field="model_uri"
        label={trans.__('Model URI')}
        hint={trans.__(
          'models:/NAME@ALIAS follows the alias as it moves; models:/NAME/VERSION serves one version.'
        )}
        error={errors.model_uri}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="text"
            className={`${block}-input`}
            value={draft.model_uri}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.model_uri !== undefined}
            aria-describedby={describedBy}
            onChange={event => props.onChange('model_uri', event.target.value)}
          />
        )}
      </FormField>
      <FormField
        block={block}
        field="port"
        label={trans.__('Port')}
        hint={trans.__(
          'The local port on 127.0.0.1 for direct clients; empty: a free one.'
        )}
        error={errors.port}
      >
        {(id, describedBy) => (
          <input
            id={id}
            type="number"
            min={1}
            max={65535}
            className={`${block}-input`}
            value={draft.port}
            placeholder={trans.__('free')}
            aria-invalid={errors.port !== undefined}
            aria-describedby={describedBy}
            onChange={event => props.onChange('port', event.target.value)}
          />
        )}
      </FormField>
    </form>
  );
}

/**
 * The Serve form following its state.
 */
export function LiveServeForm(props: {
  state: ServeFormState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  return (
    <UseSignal signal={state.changed}>
      {() => (
        <ServeForm
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
