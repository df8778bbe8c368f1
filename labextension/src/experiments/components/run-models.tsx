import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import type { IRunModel } from '../../api/types';
import { describeModel } from '../../models/components/promote-form';
import { ErrorNote } from '../../shared/components/error-note';

/**
 * What the run view shows of the run's models, and how it promotes one.
 */
export interface IRunModelsProps {
  /**
   * The run's models, or `null` before the first answer.
   */
  models: ReadonlyArray<IRunModel> | null;
  /**
   * Why they cannot be read, or `null`.
   */
  error: string | null;
  /**
   * Promote a model, by its artifact path.
   */
  onPromote: (artifactPath: string) => void;
  /**
   * Serve a model at an endpoint, by its URI (`models:/<model_id>` or
   * `runs:/<run_id>/<path>`); without it, no model shows a Serve… button.
   */
  onServe?: (modelUri: string) => void;
}

/**
 * The models a run holds: name, where it lives, flavours, signature and input
 * example, each with a Promote… button and a Serve… button.
 */
export function RunModels(
  props: IRunModelsProps & { trans: TranslationBundle }
): JSX.Element {
  const { models, trans } = props;
  return (
    <section className="jp-mlx-RunModels" aria-label={trans.__('Models')}>
      <h3>{trans.__('Models')}</h3>
      <ErrorNote error={props.error} />
      {models !== null && models.length === 0 && (
        <p className="jp-mlx-Note">{trans.__('No model logged.')}</p>
      )}
      {models !== null && models.length > 0 && (
        <ul className="jp-mlx-RunModels-list" aria-label={trans.__('Models')}>
          {models.map(model => (
            <li key={model.artifact_path} className="jp-mlx-RunModels-model">
              <span className="jp-mlx-RunModels-name">
                {model.artifact_path}
              </span>
              <span>
                {model.source === 'logged_model'
                  ? trans.__('logged model')
                  : trans.__('artifact folder')}
              </span>
              <Button
                small
                aria-label={trans.__('Promote model %1', model.artifact_path)}
                onClick={() => props.onPromote(model.artifact_path)}
              >
                {trans.__('Promote…')}
              </Button>
              <ServeButton {...props} model={model} trans={trans} />
              <span className="jp-mlx-RunModels-facts">
                {describeModel(model, trans)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Serve… for a model, when the view can serve.
 */
function ServeButton(
  props: IRunModelsProps & { model: IRunModel; trans: TranslationBundle }
): JSX.Element | null {
  const { model, trans } = props;
  const uri = model.model_uri;
  const serve = props.onServe;
  if (serve === undefined) {
    return null;
  }
  return (
    <Button
      small
      aria-label={trans.__('Serve model %1', model.artifact_path)}
      title={trans.__('Serve %1 at an endpoint', uri)}
      onClick={() => serve(uri)}
    >
      {trans.__('Serve…')}
    </Button>
  );
}
