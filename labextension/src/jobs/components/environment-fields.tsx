import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { EnvironmentState, IEnvironment } from '../../api/types';
import { environmentStateLabel } from '../../environments/components/environment-state';
import { MAX_INPUTS } from '../form';
import { FieldError, OptionField } from './form-fields';

/**
 * The states an install from the current lock makes ready (the server
 * installs these first when asked to).
 */
const INSTALLABLE: ReadonlyArray<EnvironmentState> = ['locked', 'failed'];

/**
 * Most rows the inputs' editor grows to.
 */
const MAX_INPUT_ROWS = 8;

/**
 * An example input shown in the empty field.
 */
const INPUTS_PLACEHOLDER = 'data/train.csv';

/**
 * Why a chosen environment cannot run the notebook as it is, and what to do;
 * `null` when it is ready.
 */
function environmentNote(
  environment: IEnvironment | undefined,
  name: string,
  trans: TranslationBundle
): string | null {
  if (environment === undefined) {
    return trans.__(
      'No environment named %1 is declared in this workspace.',
      name
    );
  }
  switch (environment.state) {
    case 'ready':
      return null;
    case 'locked':
      return trans.__(
        '%1 is locked but not installed: install it first, or the run is refused.',
        name
      );
    case 'failed':
      return trans.__(
        'The last install of %1 failed: install it again first, or the run is refused.',
        name
      );
    case 'installing':
      return trans.__(
        '%1 is installing: the run is refused until the install ends.',
        name
      );
    case 'stale':
      return trans.__(
        '%1 changed since its lock: lock it again in the Environments section before running.',
        name
      );
    default:
      return trans.__(
        '%1 has no lock yet: lock and install it in the Environments section before running.',
        name
      );
  }
}

/**
 * Properties of the environment picker.
 */
export interface IEnvironmentOptionProps {
  /**
   * The environments to offer.
   */
  environments: ReadonlyArray<IEnvironment>;
  /**
   * The environment chosen; `''` for none (the kernel runs the notebook).
   */
  value: string;
  /**
   * Whether the environment is installed first when it is not installed.
   */
  install: boolean;
  /**
   * The errors of the form, by wire field name.
   */
  errors: Record<string, string>;
  /**
   * Choose an environment (`''` for none).
   */
  onChange: (name: string) => void;
  /**
   * Ask for (or no longer ask for) an install first.
   */
  onInstall: (install: boolean) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}

/**
 * The environment a run executes on, each offered with its state; one that
 * is not ready says why, with "Install first" when an install from its lock
 * would make it ready.
 */
export function EnvironmentOption(props: IEnvironmentOptionProps): JSX.Element {
  const { environments, value, errors, trans } = props;
  const chosen = environments.find(environment => environment.name === value);
  const note = value ? environmentNote(chosen, value, trans) : null;
  const installable =
    chosen !== undefined && INSTALLABLE.includes(chosen.state);
  return (
    <>
      <OptionField
        field="environment"
        label={trans.__('Environment')}
        hint={
          note ??
          (environments.length === 0
            ? trans.__('No environment is declared in this workspace.')
            : trans.__(
                'Runs the notebook on the environment’s own kernel, recording its lock.'
              ))
        }
        error={errors['environment']}
      >
        {(id, describedBy) => (
          <select
            id={id}
            className="jp-mlx-JobForm-select"
            value={value}
            disabled={environments.length === 0 && !value}
            aria-invalid={errors['environment'] !== undefined}
            aria-describedby={describedBy}
            onChange={event => props.onChange(event.target.value)}
          >
            <option value="">{trans.__('None: run on the kernel')}</option>
            {value && chosen === undefined && (
              <option value={value}>{trans.__('%1 (not found)', value)}</option>
            )}
            {environments.map(environment => (
              <option
                key={environment.name}
                value={environment.name}
                data-state={environment.state}
              >
                {trans.__(
                  '%1 (%2)',
                  environment.name,
                  environmentStateLabel(environment.state, trans)
                )}
              </option>
            ))}
          </select>
        )}
      </OptionField>
      {value && chosen !== undefined && chosen.state !== 'ready' && (
        <div
          className="jp-mlx-JobForm-field jp-mlx-JobForm-install"
          data-field="install_environment"
        >
          <label>
            <input
              type="checkbox"
              className="jp-mlx-JobForm-checkbox"
              checked={props.install}
              disabled={!installable}
              onChange={event => props.onInstall(event.target.checked)}
            />
            {trans.__('Install first')}
          </label>
          <FieldError error={errors['install_environment']} />
        </div>
      )}
    </>
  );
}

/**
 * The data inputs of a run: files or folders relative to the server root,
 * one per line, each hashed when the run starts and recorded on its MLflow
 * run.
 */
export function InputsOption(props: {
  /**
   * The inputs as typed.
   */
  value: string;
  /**
   * The field's error.
   */
  error: string | undefined;
  /**
   * Change the inputs typed.
   */
  onChange: (value: string) => void;
  /**
   * The jupyter-mlx translation bundle.
   */
  trans: TranslationBundle;
}): JSX.Element {
  const { value, trans } = props;
  return (
    <OptionField
      field="inputs"
      label={trans.__('Inputs')}
      hint={trans.__(
        'Files or folders the run reads, relative to the server root, one per line (at most %1); each is hashed and recorded on the MLflow run.',
        MAX_INPUTS
      )}
      error={props.error}
    >
      {(id, describedBy) => (
        <textarea
          id={id}
          className="jp-mlx-JobForm-json jp-mlx-JobForm-inputs"
          spellCheck={false}
          rows={Math.min(MAX_INPUT_ROWS, Math.max(2, value.split('\n').length))}
          placeholder={INPUTS_PLACEHOLDER}
          value={value}
          aria-invalid={props.error !== undefined}
          aria-describedby={describedBy}
          onChange={event => props.onChange(event.target.value)}
        />
      )}
    </OptionField>
  );
}
