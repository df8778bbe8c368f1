import { nullTranslator } from '@jupyterlab/translation';

import type { INotebookParameterSpec, JSONValue } from '../../api/types';
import {
  type IJobFormDraft,
  buildSettings,
  errorField,
  fieldKind,
  formatDefault,
  initialDraft,
  parseInputs,
  parseParameter,
  rerunRequest,
  sameJSON
} from '../../jobs/form';
import { formFields } from '../../jobs/submission';
import {
  makeJobDefinition,
  makeJobRun,
  makeNotebookParameters
} from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

function spec(
  overrides: Partial<INotebookParameterSpec> = {}
): INotebookParameterSpec {
  return {
    name: 'x',
    type: 'int',
    default: 1,
    default_source: '1',
    help: '',
    ...overrides
  };
}

/**
 * The initial draft of the fixture notebook with `changes` applied.
 */
function draft(
  changes: Partial<Omit<IJobFormDraft, 'parameters'>> & {
    parameters?: IJobFormDraft['parameters'];
  } = {}
): IJobFormDraft {
  const initial = initialDraft(makeNotebookParameters());
  return {
    ...initial,
    ...changes,
    parameters: { ...initial.parameters, ...changes.parameters }
  };
}

/**
 * Expect `text` typed into the field of `parameter` to be refused with `message`.
 */
function expectRefused(
  parameter: INotebookParameterSpec,
  text: string,
  message: string
): void {
  expect(parseParameter(parameter, text, trans)).toEqual({
    kind: 'error',
    message
  });
}

/**
 * Expect `text` typed into the field of `parameter` to mean `value`.
 */
function expectValue(
  parameter: INotebookParameterSpec,
  text: string,
  value: JSONValue
): void {
  expect(parseParameter(parameter, text, trans)).toEqual({
    kind: 'value',
    value
  });
}

describe('fieldKind', () => {
  it.each([
    ['int', 'integer'],
    ['float', 'float'],
    ['bool', 'boolean'],
    ['str', 'text'],
    ['list', 'json'],
    ['dict', 'json'],
    ['any', 'json']
  ] as const)('gives a %s parameter a %s field', (type, kind) => {
    expect(fieldKind(type)).toBe(kind);
  });
});

describe('formatDefault and initialDraft', () => {
  it('show each default in its field, keeping int vs float', () => {
    const initial = initialDraft(makeNotebookParameters());

    expect(initial.parameters).toEqual({
      epochs: '5',
      lr: '0.01',
      scale: '1.0',
      shuffle: true,
      optimizer: 'adam',
      layers: '[64,32]',
      extra: '{"dropout":0.1}'
    });
    expect(initial.kernel).toBe('python3');
    expect(initial.timeout).toBe('');
    expect(initial.html).toBe(false);
  });

  it('leaves the field empty for a default that is not a literal', () => {
    const computed = spec({
      type: 'float',
      default: null,
      default_source: 'np.pi'
    });

    expect(formatDefault(computed)).toBe('');
    expect(
      initialDraft(makeNotebookParameters({ parameters: [computed] }))
        .parameters
    ).toEqual({ x: '' });
  });

  it('leaves a checkbox undecided for a boolean default that is not a literal', () => {
    const flag = spec({
      type: 'bool',
      default: null,
      default_source: 'os.environ.get("X") == "1"'
    });

    expect(
      initialDraft(makeNotebookParameters({ parameters: [flag] })).parameters
    ).toEqual({ x: null });
  });
});

describe('parseParameter', () => {
  it('reads integers and rejects decimals and words', () => {
    const int = spec();

    expectValue(int, ' 12 ', 12);
    expectValue(int, '-3', -3);
    expectRefused(int, '2.5', 'expected an integer');
    expectRefused(int, '1e3', 'expected an integer');
    expectRefused(int, '99999999999999999999', 'integer too large');
    expect(parseParameter(int, '', trans)).toEqual({ kind: 'default' });
  });

  it('reads floats, whole ones included, and rejects what is not a number', () => {
    const float = spec({ type: 'float', default: 0.5, default_source: '0.5' });

    expectValue(float, '2', 2);
    expectValue(float, '1e-3', 0.001);
    expectValue(float, '.5', 0.5);
    expectRefused(float, 'fast', 'expected a number');
    expect(parseParameter(float, 'Infinity', trans).kind).toBe('error');
  });

  it('reports a number the browser could not read', () => {
    expect(parseParameter(spec(), '', trans, true)).toEqual({
      kind: 'error',
      message: 'expected an integer'
    });
  });

  it('reads checkboxes, an undecided one keeping the default', () => {
    const bool = spec({ type: 'bool', default: false });

    expect(parseParameter(bool, true, trans)).toEqual({
      kind: 'value',
      value: true
    });
    expect(parseParameter(bool, null, trans)).toEqual({ kind: 'default' });
  });

  it('takes text as typed, an empty text included', () => {
    const text = spec({ type: 'str', default: 'adam' });

    expectValue(text, ' sgd ', ' sgd ');
    expectValue(text, '', '');
    expect(
      parseParameter(spec({ type: 'str', default: null }), '', trans)
    ).toEqual({ kind: 'default' });
  });

  it('reads JSON, checking lists and objects', () => {
    const list = spec({ type: 'list', default: [] });
    const dict = spec({ type: 'dict', default: {} });
    const any = spec({ type: 'any', default: null });

    expectValue(list, '[1, "a"]', [1, 'a']);
    expectRefused(list, '[1,', 'not valid JSON');
    expectRefused(list, '{"a": 1}', 'expected a JSON list');
    expectRefused(dict, '[1]', 'expected a JSON object');
    expectValue(any, '"text"', 'text');
    expect(parseParameter(any, '  ', trans)).toEqual({ kind: 'default' });
  });
});

describe('sameJSON', () => {
  it('compares values deeply, object keys in any order', () => {
    expect(
      sameJSON({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })
    ).toBe(true);
    expect(sameJSON([1, 2], [2, 1])).toBe(false);
    expect(sameJSON({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJSON(null, {})).toBe(false);
    expect(sameJSON(1, 1.0)).toBe(true);
  });
});

describe('buildSettings', () => {
  const parameters = makeNotebookParameters();

  it('sends no parameter when none changed, so the defaults stay the notebook’s', () => {
    const { settings, errors } = buildSettings(parameters, draft(), trans);

    expect(errors).toEqual({});
    expect(settings).toEqual({
      parameters: {},
      kernel: 'python3',
      environment: null,
      install_environment: false,
      inputs: [],
      timeout: null,
      retries: 0,
      retry_backoff: 10,
      output_formats: ['ipynb'],
      experiment: null
    });
  });

  it('sends only the values changed from their defaults', () => {
    const { settings } = buildSettings(
      parameters,
      draft({
        parameters: {
          epochs: '20',
          lr: '0.010',
          scale: '1',
          shuffle: false,
          layers: '[ 64, 32 ]',
          extra: '{"dropout": 0.2}'
        }
      }),
      trans
    );

    expect(settings.parameters).toEqual({
      epochs: 20,
      shuffle: false,
      extra: { dropout: 0.2 }
    });
  });

  it('sends a value typed for a default that is not a literal', () => {
    const computed = makeNotebookParameters({
      parameters: [
        spec({ type: 'float', default: null, default_source: 'np.pi' })
      ]
    });

    expect(
      buildSettings(
        computed,
        { ...initialDraft(computed), parameters: { x: '3' } },
        trans
      ).settings.parameters
    ).toEqual({ x: 3 });
    expect(
      buildSettings(computed, initialDraft(computed), trans).settings.parameters
    ).toEqual({});
  });

  it('carries the run options', () => {
    const { settings } = buildSettings(
      parameters,
      draft({
        kernel: 'ml',
        timeout: '600',
        retries: '2',
        retryBackoff: '30',
        html: true,
        experiment: '  tuning  '
      }),
      trans
    );

    expect(settings).toMatchObject({
      kernel: 'ml',
      timeout: 600,
      retries: 2,
      retry_backoff: 30,
      output_formats: ['ipynb', 'html'],
      experiment: 'tuning'
    });
  });

  it('reports an error beside each wrong field', () => {
    const { errors } = buildSettings(
      parameters,
      draft({
        parameters: { epochs: '2.5', lr: 'x', layers: '[1,' },
        timeout: '0',
        retries: '11',
        retryBackoff: '-1',
        experiment: 'e'.repeat(501),
        unreadable: []
      }),
      trans
    );

    expect(errors).toEqual({
      'parameters.epochs': 'expected an integer',
      'parameters.lr': 'expected a number',
      'parameters.layers': 'not valid JSON',
      timeout:
        'expected seconds above 0 and at most 604800 (a week), or empty for no limit',
      retries: 'expected a whole number from 0 to 10',
      retry_backoff: 'expected seconds from 0 to 3600',
      experiment: 'at most 500 characters'
    });
  });

  it('reports numbers the browser could not read', () => {
    expect(
      buildSettings(
        parameters,
        draft({ unreadable: ['parameters.lr', 'timeout'] }),
        trans
      ).errors
    ).toEqual({
      'parameters.lr': 'expected a number',
      timeout:
        'expected seconds above 0 and at most 604800 (a week), or empty for no limit'
    });
  });

  it('rejects a kernel that is not installed', () => {
    expect(
      buildSettings(parameters, draft({ kernel: 'julia' }), trans).errors
    ).toEqual({
      kernel: 'no kernel named julia is installed'
    });
  });

  it('gives no parameters for a notebook without a parameters cell', () => {
    const none = makeNotebookParameters({
      has_parameters_cell: false,
      parameters: []
    });

    expect(buildSettings(none, initialDraft(none), trans)).toEqual({
      settings: expect.objectContaining({ parameters: {} }),
      errors: {}
    });
  });

  it('leaves out the swept parameters, wrong values included', () => {
    const { settings, errors } = buildSettings(
      parameters,
      draft({ parameters: { epochs: 'x', lr: '0.5' } }),
      trans,
      new Set(['epochs', 'lr'])
    );

    expect(settings.parameters).toEqual({});
    expect(errors).toEqual({});
  });
});

describe('initialDraft of a definition', () => {
  it('shows its values and options in the fields', () => {
    const initial = initialDraft(
      makeNotebookParameters(),
      makeJobDefinition({
        parameters: { epochs: 10, shuffle: false },
        kernel: 'ml',
        timeout: 60,
        retries: 2,
        retry_backoff: 10,
        output_formats: ['ipynb', 'html'],
        experiment: 'nightly'
      })
    );

    expect(initial).toMatchObject({
      kernel: 'ml',
      timeout: '60',
      retries: '2',
      retryBackoff: '',
      html: true,
      experiment: 'nightly'
    });
    expect(initial.parameters).toMatchObject({
      epochs: '10',
      shuffle: false,
      lr: '0.01'
    });
  });
});

describe('errorField', () => {
  const fields = formFields(makeNotebookParameters(), false, false);

  it('maps a server error to the field it names, or the one containing it', () => {
    expect(errorField('parameters.epochs', fields)).toBe('parameters.epochs');
    expect(errorField('timeout', fields)).toBe('timeout');
    expect(errorField('kernel', fields)).toBe('kernel');
    expect(errorField('notebook', fields)).toBe('notebook');
    expect(errorField('output_formats.1', fields)).toBe('output_formats');
  });

  it('leaves errors about the form as a whole, or unknown names, to the form', () => {
    expect(errorField(null, fields)).toBeNull();
    expect(errorField('parameters', fields)).toBeNull();
    expect(errorField('parameters.unknown', fields)).toBeNull();
    expect(errorField('idempotency_key', fields)).toBeNull();
  });
});

describe('rerunRequest', () => {
  it('repeats the notebook, parameters and options as a run of the same job', () => {
    const run = makeJobRun({
      parameters: { epochs: 3, layers: [1] },
      kernel: 'ml',
      timeout: 60,
      retries: 2,
      retry_backoff: 5,
      output_formats: ['ipynb', 'html'],
      experiment: 'tuning'
    });

    expect(rerunRequest(run)).toEqual({
      notebook: 'work/train.ipynb',
      parameters: { epochs: 3, layers: [1] },
      kernel: 'ml',
      environment: null,
      inputs: [],
      timeout: 60,
      retries: 2,
      retry_backoff: 5,
      output_formats: ['ipynb', 'html'],
      experiment: 'tuning',
      job_id: 'job-1'
    });
  });
});

describe('rerunRequest of a run on an environment', () => {
  it('names the environment, not its kernel, and repeats the inputs', () => {
    const run = makeJobRun({
      kernel: 'mlx-train',
      environment: 'train',
      environment_lock_sha256: 'a'.repeat(64),
      inputs: ['data/train.csv', 'data/images']
    });

    expect(rerunRequest(run)).toMatchObject({
      kernel: null,
      environment: 'train',
      inputs: ['data/train.csv', 'data/images']
    });
  });
});

describe('environment and inputs', () => {
  const parameters = makeNotebookParameters();

  it('sends the environment instead of the kernel, with install first', () => {
    const { settings, errors } = buildSettings(
      parameters,
      draft({ environment: 'train', kernel: '', installEnvironment: true }),
      trans
    );

    expect(errors).toEqual({});
    expect(settings).toMatchObject({
      kernel: null,
      environment: 'train',
      install_environment: true
    });
  });

  it('never asks to install without an environment', () => {
    const { settings } = buildSettings(
      parameters,
      draft({ installEnvironment: true }),
      trans
    );

    expect(settings).toMatchObject({
      kernel: 'python3',
      environment: null,
      install_environment: false
    });
  });

  it('reads one input per line, trimmed, without blanks or repeats', () => {
    expect(
      parseInputs(' data/train.csv \n\ndata/images\ndata/train.csv\n')
    ).toEqual(['data/train.csv', 'data/images']);
    const { settings } = buildSettings(
      parameters,
      draft({ inputs: 'data/train.csv\ndata/images' }),
      trans
    );
    expect(settings.inputs).toEqual(['data/train.csv', 'data/images']);
  });

  it('refuses more inputs than the server takes', () => {
    const many = Array.from({ length: 101 }, (_, i) => `data/${i}.csv`);

    const { errors } = buildSettings(
      parameters,
      draft({ inputs: many.join('\n') }),
      trans
    );

    expect(errors).toEqual({ inputs: 'at most 100 inputs (101 given)' });
  });

  it('shows a definition’s environment (not its kernel) and inputs', () => {
    const initial = initialDraft(
      parameters,
      makeJobDefinition({
        kernel: 'mlx-train',
        environment: 'train',
        install_environment: true,
        inputs: ['data/train.csv', 'data/images']
      })
    );

    expect(initial).toMatchObject({
      kernel: '',
      environment: 'train',
      installEnvironment: true,
      inputs: 'data/train.csv\ndata/images'
    });
  });

  it('maps server errors about inputs and the environment to their fields', () => {
    const fields = formFields(parameters, false, false);

    expect(errorField('inputs.1', fields)).toBe('inputs');
    expect(errorField('environment', fields)).toBe('environment');
    expect(errorField('install_environment', fields)).toBe(
      'install_environment'
    );
  });
});
