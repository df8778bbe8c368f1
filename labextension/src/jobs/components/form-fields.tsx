import React, { useId } from 'react';

/**
 * A field's error, beside it.
 */
export function FieldError(props: {
  id?: string;
  error?: string;
}): JSX.Element | null {
  if (!props.error) {
    return null;
  }
  return (
    <div id={props.id} className="jp-mlx-JobForm-error" role="alert">
      {props.error}
    </div>
  );
}

/**
 * Properties of a labelled field of the job forms.
 */
export interface IOptionFieldProps {
  /**
   * The wire field it edits (its errors are keyed by it).
   */
  field: string;
  /**
   * The field's label (its accessible name).
   */
  label: string;
  /**
   * A line of help under the input.
   */
  hint?: string;
  /**
   * The field's error.
   */
  error: string | undefined;
}

/**
 * A labelled field with its hint and error; `children` renders the input
 * with the id the label points to and the ids describing it.
 */
export function OptionField(
  props: IOptionFieldProps & {
    children: (id: string, describedBy: string | undefined) => JSX.Element;
  }
): JSX.Element {
  const id = useId();
  const describedBy =
    [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div className="jp-mlx-JobForm-field" data-field={props.field}>
      <label htmlFor={id} className="jp-mlx-JobForm-label">
        <span className="jp-mlx-JobForm-name">{props.label}</span>
      </label>
      {props.children(id, describedBy)}
      {props.hint && (
        <div id={`${id}-hint`} className="jp-mlx-JobForm-hint">
          {props.hint}
        </div>
      )}
      <FieldError id={`${id}-error`} error={props.error} />
    </div>
  );
}

/**
 * A field taking a number from `min` (0 by default) to `max` (if any), whole
 * numbers when `integer`.
 */
export function NumberOption(
  props: IOptionFieldProps & {
    max?: number;
    min?: number;
    integer?: boolean;
    placeholder: string;
    value: string;
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => void;
  }
): JSX.Element {
  return (
    <OptionField {...props}>
      {(id, describedBy) => (
        <input
          id={id}
          type="number"
          className="jp-mlx-JobForm-input"
          min={props.min ?? 0}
          max={props.max}
          step={props.integer ? 1 : 'any'}
          inputMode={props.integer ? 'numeric' : 'decimal'}
          placeholder={props.placeholder}
          value={props.value}
          aria-invalid={props.error !== undefined}
          aria-describedby={describedBy}
          onChange={props.onChange}
        />
      )}
    </OptionField>
  );
}

/**
 * A field typing text (a name, a URL, a time zone).
 */
export function TextOption(
  props: IOptionFieldProps & {
    value: string;
    placeholder?: string;
    list?: string;
    onChange: (value: string) => void;
  }
): JSX.Element {
  return (
    <OptionField {...props}>
      {(id, describedBy) => (
        <input
          id={id}
          type="text"
          className="jp-mlx-JobForm-input"
          placeholder={props.placeholder}
          list={props.list}
          value={props.value}
          aria-invalid={props.error !== undefined}
          aria-describedby={describedBy}
          onChange={event => props.onChange(event.target.value)}
        />
      )}
    </OptionField>
  );
}

/**
 * A field choosing one of a few values.
 */
export function ChoiceOption<T extends string>(
  props: IOptionFieldProps & {
    value: T;
    choices: ReadonlyArray<{ value: T; label: string }>;
    onChange: (value: T) => void;
  }
): JSX.Element {
  return (
    <OptionField {...props}>
      {(id, describedBy) => (
        <select
          id={id}
          className="jp-mlx-JobForm-select"
          value={props.value}
          aria-invalid={props.error !== undefined}
          aria-describedby={describedBy}
          onChange={event => props.onChange(event.target.value as T)}
        >
          {props.choices.map(choice => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    </OptionField>
  );
}
