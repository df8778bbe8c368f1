/**
 * What the run and schedule forms send, free of React and of HTTP: a run, a
 * sweep, a new definition or the changes to one, built from the parameter,
 * sweep and schedule drafts; and where a server error about it shows.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  ICreateJobRequest,
  ICreateJobRunRequest,
  ICreateSweepRequest,
  IJobDefinition,
  INotebookParametersResponse,
  IUpdateJobRequest,
  JSONValue
} from '../api/types';
import {
  type FormErrors,
  type IJobFormDraft,
  OPTION_FIELDS,
  buildSettings,
  parameterField,
  sameJSON
} from './form';
import {
  type IScheduleDraft,
  SCHEDULE_FIELDS,
  buildSchedule
} from './schedule';
import {
  type ISweepDraft,
  SWEEP_FIELDS,
  buildSweep,
  sameSweep,
  sweptNames
} from './sweep';

/**
 * What a form sends.
 */
export type Submission =
  /** One run. */
  | { kind: 'run'; request: ICreateJobRunRequest }
  /** A sweep, run now. */
  | { kind: 'sweep'; request: ICreateSweepRequest }
  /** A new job definition. */
  | { kind: 'create-job'; request: ICreateJobRequest }
  /** The changes to a job definition. */
  | { kind: 'update-job'; jobId: string; request: IUpdateJobRequest };

/**
 * Everything a form holds, as typed.
 */
export interface IFormDrafts {
  /**
   * The parameters' fixed values and the run options.
   */
  form: IJobFormDraft;
  /**
   * The swept parameters and the sweep's options.
   */
  sweep: ISweepDraft;
  /**
   * The schedule; `null` in the run form.
   */
  schedule: IScheduleDraft | null;
}

/**
 * What a form's drafts send, or the errors that block it: in the run form
 * a run, or a sweep when a parameter is swept; in the schedule form a new
 * definition (running a sweep per fire when a parameter is swept), or the
 * fields of `definition` that changed.
 *
 * @param definition - The definition edited, if any.
 * @returns The submission (`null` when there are errors) and the errors, by
 * wire field name.
 */
export function buildSubmission(
  response: INotebookParametersResponse,
  drafts: IFormDrafts,
  trans: TranslationBundle,
  definition: IJobDefinition | null = null
): { submission: Submission | null; errors: FormErrors } {
  const { sweep, errors: sweepErrors } = buildSweep(
    response,
    drafts.sweep,
    trans
  );
  const { settings, errors } = buildSettings(
    response,
    drafts.form,
    trans,
    sweptNames(drafts.sweep)
  );
  Object.assign(errors, sweepErrors);
  let submission: Submission;
  if (drafts.schedule === null) {
    submission =
      sweep === null
        ? { kind: 'run', request: { notebook: response.path, ...settings } }
        : {
            kind: 'sweep',
            request: { ...sweep, notebook: response.path, base: settings }
          };
  } else {
    const built = buildSchedule(drafts.schedule, trans);
    Object.assign(errors, built.errors);
    const request: ICreateJobRequest = {
      notebook: response.path,
      ...settings,
      ...built.schedule,
      sweep
    };
    submission =
      definition === null
        ? { kind: 'create-job', request }
        : {
            kind: 'update-job',
            jobId: definition.id,
            request: jobUpdate(definition, request)
          };
  }
  return {
    submission: Object.keys(errors).length > 0 ? null : submission,
    errors
  };
}

/**
 * The fields of a definition request that differ from the definition: what
 * a `PATCH` sends. A name or experiment left empty keeps the definition's.
 * A kernel sent replaces the environment and an environment the kernel, so
 * a definition leaving its environment for the default kernel sends
 * `environment: null`.
 */
export function jobUpdate(
  definition: IJobDefinition,
  request: ICreateJobRequest
): IUpdateJobRequest {
  const update: IUpdateJobRequest = {};
  const differs = <K extends keyof IUpdateJobRequest & keyof IJobDefinition>(
    key: K,
    value: IUpdateJobRequest[K] | undefined
  ): void => {
    if (
      value !== undefined &&
      !sameJSON(value as JSONValue, definition[key] as JSONValue)
    ) {
      update[key] = value;
    }
  };
  differs('name', request.name ?? undefined);
  differs('parameters', request.parameters);
  differs('kernel', request.kernel ?? undefined);
  differs('environment', request.environment ?? null);
  differs('install_environment', request.install_environment ?? false);
  differs('inputs', request.inputs ?? []);
  differs('timeout', request.timeout);
  differs('retries', request.retries);
  differs('retry_backoff', request.retry_backoff);
  differs('output_formats', request.output_formats);
  differs('experiment', request.experiment ?? undefined);
  differs('cron', request.cron);
  differs('timezone', request.timezone);
  differs('catchup', request.catchup);
  differs('max_concurrent_runs', request.max_concurrent_runs);
  differs('notify', request.notify);
  differs('webhook_url', request.webhook_url);
  differs('webhook_events', request.webhook_events);
  if (!sameSweep(request.sweep ?? null, definition.sweep)) {
    update.sweep = request.sweep ?? null;
  }
  return update;
}

/**
 * The wire names of the fields a form shows.
 *
 * @param scheduling - Whether the form has the schedule part.
 * @param sweeping - Whether the form has the sweep part.
 */
export function formFields(
  response: INotebookParametersResponse,
  scheduling: boolean,
  sweeping: boolean
): string[] {
  return [
    ...response.parameters.map(spec => parameterField(spec.name)),
    ...OPTION_FIELDS,
    ...(sweeping ? SWEEP_FIELDS : []),
    ...(scheduling ? SCHEDULE_FIELDS : [])
  ];
}

/**
 * The sweep fields of `POST /sweeps`, which takes the sweep at the top of
 * its body and the run settings under `base`.
 */
const SWEEP_BODY_FIELDS = new Set([
  'strategy',
  'trials',
  'metric',
  'direction',
  'max_concurrent_runs'
]);

/**
 * The form's name of a field a server error names: a sweep's under
 * `sweep.`, a swept parameter's (`sweep.parameters.lr` in a definition,
 * `parameters.lr` in a sweep) and a fixed one's (`base.parameters.lr`) under
 * `parameters.`, a sweep's run settings (`base.timeout`) by their own name.
 *
 * @param kind - What was sent.
 * @param field - The error's `field`.
 */
export function formFieldOf(
  kind: Submission['kind'],
  field: string | null
): string | null {
  if (field === null) {
    return null;
  }
  if (kind === 'sweep') {
    if (field === 'parameters') {
      return 'sweep.parameters';
    }
    if (field.startsWith('base.')) {
      return field.slice('base.'.length);
    }
    return SWEEP_BODY_FIELDS.has(field.split('.')[0])
      ? `sweep.${field}`
      : field;
  }
  return field.startsWith('sweep.parameters.')
    ? field.slice('sweep.'.length)
    : field;
}
