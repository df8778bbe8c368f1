import { nullTranslator } from '@jupyterlab/translation';

import { initialDraft } from '../../jobs/form';
import { initialScheduleDraft } from '../../jobs/schedule';
import {
  type IFormDrafts,
  buildSubmission,
  formFieldOf,
  formFields,
  jobUpdate
} from '../../jobs/submission';
import { initialSweepDraft, newSweptDraft } from '../../jobs/sweep';
import { makeJobDefinition, makeNotebookParameters } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');
const response = makeNotebookParameters();

/**
 * The drafts of a new form of the fixture notebook: a run form, or with
 * `scheduling` a schedule form; `lr` swept over two values with `sweeping`.
 */
function drafts(
  options: { scheduling?: boolean; sweeping?: boolean } = {}
): IFormDrafts {
  const form = initialDraft(response);
  const sweep = initialSweepDraft(response);
  if (options.sweeping) {
    const lr = response.parameters.find(spec => spec.name === 'lr')!;
    sweep.parameters['lr'] = {
      ...newSweptDraft(lr, '0.01'),
      values: '0.01, 0.1'
    };
  }
  return {
    form: { ...form, parameters: { ...form.parameters, epochs: '20' } },
    sweep,
    schedule: options.scheduling ? initialScheduleDraft() : null
  };
}

describe('buildSubmission', () => {
  it('makes a run in the run form', () => {
    const { submission } = buildSubmission(response, drafts(), trans);

    expect(submission).toEqual({
      kind: 'run',
      request: expect.objectContaining({
        notebook: 'work/train.ipynb',
        parameters: { epochs: 20 }
      })
    });
  });

  it('makes a sweep with the fixed values under base when a parameter is swept', () => {
    const { submission } = buildSubmission(
      response,
      drafts({ sweeping: true }),
      trans
    );

    expect(submission?.kind).toBe('sweep');
    expect(submission?.request).toMatchObject({
      notebook: 'work/train.ipynb',
      parameters: { lr: { values: [0.01, 0.1] } },
      strategy: 'grid',
      base: {
        parameters: { epochs: 20 },
        kernel: 'python3',
        output_formats: ['ipynb']
      }
    });
  });

  it('makes a definition in the schedule form, its sweep as its payload', () => {
    const { submission } = buildSubmission(
      response,
      drafts({ scheduling: true, sweeping: true }),
      trans
    );

    expect(submission?.kind).toBe('create-job');
    expect(submission?.request).toMatchObject({
      notebook: 'work/train.ipynb',
      parameters: { epochs: 20 },
      cron: '0 9 * * *',
      catchup: 'latest',
      notify: true,
      sweep: { parameters: { lr: { values: [0.01, 0.1] } } }
    });
  });

  it('blocks the submission with the errors of every part', () => {
    const given = drafts({ scheduling: true, sweeping: true });
    given.form.timeout = '-1';
    given.sweep.parameters['lr'].values = 'x';
    given.schedule!.timezone = '';

    const { submission, errors } = buildSubmission(response, given, trans);

    expect(submission).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      'parameters.lr',
      'timeout',
      'timezone'
    ]);
  });

  it('sends only what changed when a definition is edited', () => {
    // Given a definition and its form with the schedule moved to 06:00
    const definition = makeJobDefinition({ parameters: { epochs: 20 } });
    const given: IFormDrafts = {
      form: initialDraft(response, definition),
      sweep: initialSweepDraft(response),
      schedule: { ...initialScheduleDraft(definition), time: '06:00' }
    };

    // Then the update holds the new expression alone
    expect(buildSubmission(response, given, trans, definition)).toEqual({
      submission: {
        kind: 'update-job',
        jobId: 'job-1',
        request: { cron: '0 6 * * *' }
      },
      errors: {}
    });
  });
});

describe('jobUpdate', () => {
  const definition = makeJobDefinition({
    webhook_url: 'https://hooks.example/x',
    sweep: { parameters: { lr: { values: [0.1, 0.01] } } }
  });

  it('turns off what was cleared: the schedule, the sweep, the webhook', () => {
    expect(
      jobUpdate(definition, {
        notebook: definition.notebook,
        cron: null,
        sweep: null,
        webhook_url: null
      })
    ).toEqual({ cron: null, sweep: null, webhook_url: null });
  });

  it('keeps the name and experiment when left empty', () => {
    expect(
      jobUpdate(definition, {
        notebook: definition.notebook,
        name: null,
        experiment: null,
        cron: definition.cron,
        webhook_url: definition.webhook_url,
        sweep: { parameters: { lr: { values: [0.1, 0.01] } }, strategy: 'grid' }
      })
    ).toEqual({});
  });
});

describe('editing a definition on an environment', () => {
  const definition = makeJobDefinition({
    kernel: 'mlx-train',
    environment: 'train',
    install_environment: true,
    inputs: ['data/train.csv']
  });

  /**
   * The submission of the definition's form with `changes` made to it.
   */
  function edited(
    changes: Partial<IFormDrafts['form']>
  ): ReturnType<typeof buildSubmission>['submission'] {
    const form = initialDraft(response, definition);
    return buildSubmission(
      response,
      {
        form: { ...form, ...changes },
        sweep: initialSweepDraft(response),
        schedule: initialScheduleDraft(definition)
      },
      trans,
      definition
    ).submission;
  }

  it('keeps its environment, install flag and inputs when they are left alone', () => {
    expect(edited({})).toEqual({
      kind: 'update-job',
      jobId: 'job-1',
      request: {}
    });
  });

  it('sends the inputs changed', () => {
    expect(
      edited({ inputs: 'data/train.csv\ndata/test.csv' })?.request
    ).toEqual({ inputs: ['data/train.csv', 'data/test.csv'] });
  });

  it('drops the environment when a kernel is chosen instead', () => {
    expect(
      edited({ environment: '', installEnvironment: false, kernel: 'ml' })
        ?.request
    ).toEqual({ environment: null, install_environment: false, kernel: 'ml' });
  });

  it('sends an environment chosen instead of a kernel, without the kernel', () => {
    const onKernel = makeJobDefinition({ kernel: 'ml' });
    const form = initialDraft(response, onKernel);

    const { submission } = buildSubmission(
      response,
      {
        form: { ...form, environment: 'train', kernel: '' },
        sweep: initialSweepDraft(response),
        schedule: initialScheduleDraft(onKernel)
      },
      trans,
      onKernel
    );

    expect(submission?.request).toEqual({ environment: 'train' });
  });
});

describe('formFieldOf', () => {
  it('maps the fields of a sweep request to the form’s', () => {
    expect(formFieldOf('sweep', 'parameters')).toBe('sweep.parameters');
    expect(formFieldOf('sweep', 'parameters.lr')).toBe('parameters.lr');
    expect(formFieldOf('sweep', 'parameters.lr.low')).toBe('parameters.lr.low');
    expect(formFieldOf('sweep', 'base.parameters.epochs')).toBe(
      'parameters.epochs'
    );
    expect(formFieldOf('sweep', 'base.timeout')).toBe('timeout');
    expect(formFieldOf('sweep', 'trials')).toBe('sweep.trials');
    expect(formFieldOf('sweep', 'notebook')).toBe('notebook');
  });

  it('maps a definition’s swept parameters to their field', () => {
    expect(formFieldOf('create-job', 'sweep.parameters.lr')).toBe(
      'parameters.lr'
    );
    expect(formFieldOf('update-job', 'sweep.trials')).toBe('sweep.trials');
    expect(formFieldOf('create-job', 'cron')).toBe('cron');
    expect(formFieldOf('run', null)).toBeNull();
  });

  it('lists the fields of the parts a form shows', () => {
    const run = formFields(response, false, false);
    const schedule = formFields(response, true, true);

    expect(run).toContain('parameters.lr');
    expect(run).not.toContain('cron');
    expect(run).not.toContain('sweep.trials');
    expect(schedule).toEqual(
      expect.arrayContaining([
        'cron',
        'timezone',
        'webhook_url',
        'sweep.trials'
      ])
    );
  });
});
