import React, { useId } from 'react';

/**
 * A labelled field of a form with its hint and its error; `children` renders
 * the input with the id the label points to and the ids describing it.
 *
 * The elements take the classes of the form's CSS block: `<block>-field`,
 * `<block>-label`, `<block>-hint` and `<block>-error`.
 */
export function FormField(props: {
  /**
   * The CSS block of the form, e.g. `jp-mlx-PromoteForm`.
   */
  block: string;
  /**
   * The field's name, as the server names it in an error.
   */
  field: string;
  /**
   * The label.
   */
  label: string;
  /**
   * What to enter.
   */
  hint: string;
  /**
   * The error of the field, if any.
   */
  error: string | undefined;
  /**
   * Renders the input.
   */
  children: (id: string, describedBy: string) => JSX.Element;
}): JSX.Element {
  const { block } = props;
  const id = useId();
  const describedBy = props.error ? `${id}-hint ${id}-error` : `${id}-hint`;
  return (
    <div className={`${block}-field`} data-field={props.field}>
      <label htmlFor={id} className={`${block}-label`}>
        {props.label}
      </label>
      {props.children(id, describedBy)}
      <div id={`${id}-hint`} className={`${block}-hint`}>
        {props.hint}
      </div>
      {props.error && (
        <div id={`${id}-error`} className={`${block}-error`} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}
