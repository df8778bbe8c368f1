import { nullTranslator } from '@jupyterlab/translation';

import type { INotebookParameterSpec } from '../../api/types';
import {
  type ISweepDraft,
  type ISweptParameterDraft,
  buildSweep,
  gridPoints,
  gridSize,
  initialSweepDraft,
  newSweptDraft,
  parseSweepRange,
  parseSweepValues,
  sameSweep
} from '../../jobs/sweep';
import { makeNotebookParameters } from '../fixtures';

const trans = nullTranslator.load('jupyter_mlx');
const response = makeNotebookParameters();

/**
 * The fixture notebook's parameter `name`.
 */
function spec(name: string): INotebookParameterSpec {
  return response.parameters.find(parameter => parameter.name === name)!;
}

/**
 * A swept parameter's draft with `changes` applied.
 */
function swept(changes: Partial<ISweptParameterDraft>): ISweptParameterDraft {
  return { ...newSweptDraft(spec('lr'), null), ...changes };
}

/**
 * A sweep draft of the fixture notebook with `changes` applied.
 */
function sweep(changes: Partial<ISweepDraft>): ISweepDraft {
  return { ...initialSweepDraft(response), ...changes };
}

describe('parseSweepValues', () => {
  it('reads comma-separated values typed like the parameter', () => {
    expect(parseSweepValues(spec('epochs'), '5, 10,20', trans)).toEqual({
      kind: 'value',
      value: [5, 10, 20]
    });
    expect(parseSweepValues(spec('lr'), '1e-3, 0.01, 1', trans)).toEqual({
      kind: 'value',
      value: [0.001, 0.01, 1]
    });
    expect(parseSweepValues(spec('shuffle'), 'true, False', trans)).toEqual({
      kind: 'value',
      value: [true, false]
    });
    expect(parseSweepValues(spec('optimizer'), ' adam , sgd', trans)).toEqual({
      kind: 'value',
      value: ['adam', 'sgd']
    });
    expect(parseSweepValues(spec('layers'), '[64, 32], [128]', trans)).toEqual({
      kind: 'value',
      value: [[64, 32], [128]]
    });
  });

  it('names the value that does not fit', () => {
    const refused = (name: string, text: string) =>
      parseSweepValues(spec(name), text, trans);

    expect(refused('epochs', '5, 7.5')).toEqual({
      kind: 'error',
      message: '7.5: expected an integer'
    });
    expect(refused('shuffle', 'true, maybe')).toEqual({
      kind: 'error',
      message: 'maybe: expected true or false'
    });
    expect(refused('epochs', '5,,6')).toEqual({
      kind: 'error',
      message: 'a value is empty'
    });
    expect(refused('epochs', '5, 5')).toEqual({
      kind: 'error',
      message: '5 is listed twice'
    });
    expect(refused('layers', '[1], {"a": 1}')).toEqual({
      kind: 'error',
      message: '{"a":1} is not a list'
    });
    expect(refused('extra', '{"a": 1},')).toEqual({
      kind: 'error',
      message: 'expected JSON values separated by commas'
    });
  });
});

describe('parseSweepRange', () => {
  it('reads a grid range by step or by count, on a log scale', () => {
    expect(
      parseSweepRange(
        spec('lr'),
        swept({
          low: '0.001',
          high: '0.1',
          spacing: 'count',
          count: '3',
          log: true
        }),
        'grid',
        trans
      )
    ).toEqual({
      kind: 'value',
      value: { low: 0.001, high: 0.1, count: 3, log: true, integer: false }
    });
    expect(
      parseSweepRange(
        spec('epochs'),
        swept({ low: '10', high: '50', spacing: 'step', step: '10' }),
        'grid',
        trans
      )
    ).toEqual({
      kind: 'value',
      value: { low: 10, high: 50, step: 10, log: false, integer: true }
    });
  });

  it('lets random and optuna sample a range without step or count', () => {
    expect(
      parseSweepRange(
        spec('lr'),
        swept({ low: '0', high: '1' }),
        'random',
        trans
      )
    ).toEqual({
      kind: 'value',
      value: { low: 0, high: 1, log: false, integer: false }
    });
  });

  it('refuses what a range cannot be', () => {
    const refused = (
      changes: Partial<ISweptParameterDraft>,
      name = 'lr'
    ): string | null => {
      const parsed = parseSweepRange(spec(name), swept(changes), 'grid', trans);
      return parsed.kind === 'error' ? parsed.message : null;
    };

    expect(refused({ low: '', high: '1' })).toBe('low: expected a number');
    expect(refused({ low: '1', high: '1', count: '2' })).toBe(
      'high must be above low'
    );
    expect(refused({ low: '0', high: '1', count: '2', log: true })).toBe(
      'a log scale needs low above 0'
    );
    expect(refused({ low: '0', high: '1' })).toBe(
      'a grid needs a step or a count'
    );
    expect(refused({ low: '0', high: '1', count: '1' })).toBe(
      'count: expected a whole number from 2 to 1000'
    );
    expect(refused({ low: '0', high: '1', spacing: 'step', step: '0' })).toBe(
      'step: expected a number above 0'
    );
    expect(refused({ low: '1.5', high: '3', count: '2' }, 'epochs')).toBe(
      'low: expected an integer'
    );
  });
});

describe('gridSize', () => {
  it('counts the values, the points or the steps of each parameter', () => {
    expect(gridPoints({ values: [1, 2, 3] })).toBe(3);
    expect(gridPoints({ low: 0, high: 1, count: 5 })).toBe(5);
    expect(gridPoints({ low: 10, high: 50, step: 10 })).toBe(5);
    expect(gridPoints({ low: 0, high: 1, step: 0.1 })).toBe(11);
    expect(gridPoints({ low: 0, high: 1, step: 0.3 })).toBe(4);
    expect(gridPoints({ low: 0, high: 1 })).toBeNull();
  });

  it('multiplies the points of the parameters', () => {
    expect(
      gridSize({
        lr: { values: [0.1, 0.01] },
        epochs: { low: 10, high: 50, step: 10 },
        optimizer: { values: ['adam', 'sgd', 'rmsprop'] }
      })
    ).toBe(30);
    expect(gridSize({ lr: { low: 0, high: 1 }, epochs: { values: [1] } })).toBe(
      null
    );
  });
});

describe('buildSweep', () => {
  it('makes no sweep while no parameter is swept', () => {
    expect(buildSweep(response, sweep({}), trans)).toEqual({
      sweep: null,
      errors: {}
    });
    expect(
      buildSweep(
        response,
        sweep({ parameters: { lr: swept({ swept: false }) } }),
        trans
      ).sweep
    ).toBeNull();
  });

  it('makes a grid of the swept parameters', () => {
    const { sweep: made, errors } = buildSweep(
      response,
      sweep({
        parameters: {
          lr: swept({ values: '0.1, 0.01' }),
          optimizer: {
            ...newSweptDraft(spec('optimizer'), 'adam'),
            values: 'adam, sgd'
          }
        },
        metric: ' loss ',
        maxConcurrent: '4'
      }),
      trans
    );

    expect(errors).toEqual({});
    expect(made).toEqual({
      parameters: {
        lr: { values: [0.1, 0.01] },
        optimizer: { values: ['adam', 'sgd'] }
      },
      strategy: 'grid',
      trials: null,
      metric: 'loss',
      direction: 'minimize',
      max_concurrent_runs: 4
    });
  });

  it('asks a sampled sweep for its trials, and optuna for its metric', () => {
    const { errors } = buildSweep(
      response,
      sweep({
        parameters: { lr: swept({ kind: 'range', low: '0.001', high: '0.1' }) },
        strategy: 'optuna',
        trials: '',
        metric: '',
        maxConcurrent: '100'
      }),
      trans
    );

    expect(errors).toEqual({
      'sweep.trials': 'expected a whole number of trials',
      'sweep.metric': 'optuna needs the metric to optimise',
      'sweep.max_concurrent_runs': 'expected a whole number from 1 to 64'
    });
  });

  it('keys a swept parameter’s error by the parameter', () => {
    expect(
      buildSweep(
        response,
        sweep({ parameters: { lr: swept({ values: 'x' }) } }),
        trans
      ).errors
    ).toEqual({ 'parameters.lr': 'x: expected a number' });
  });
});

describe('sweep drafts of a definition', () => {
  it('show its swept values and ranges, and its options', () => {
    const draft = initialSweepDraft(response, {
      parameters: {
        lr: { low: 0.001, high: 0.1, count: 3, log: true },
        optimizer: { values: ['adam', 'sgd'] }
      },
      strategy: 'random',
      trials: 12,
      metric: 'loss',
      direction: 'maximize',
      max_concurrent_runs: 3
    });

    expect(draft).toMatchObject({
      strategy: 'random',
      trials: '12',
      metric: 'loss',
      direction: 'maximize',
      maxConcurrent: '3'
    });
    expect(draft.parameters['lr']).toMatchObject({
      swept: true,
      kind: 'range',
      low: '0.001',
      high: '0.1',
      spacing: 'count',
      count: '3',
      log: true
    });
    expect(draft.parameters['optimizer']).toMatchObject({
      kind: 'values',
      values: 'adam, sgd'
    });
  });

  it('round-trip through buildSweep to the same sweep', () => {
    const spec = {
      parameters: { epochs: { values: [5, 10] } },
      strategy: 'grid' as const
    };
    const rebuilt = buildSweep(
      response,
      initialSweepDraft(response, spec),
      trans
    ).sweep;

    expect(sameSweep(rebuilt, spec)).toBe(true);
    expect(sameSweep(rebuilt, { ...spec, strategy: 'random' })).toBe(false);
    expect(sameSweep(null, null)).toBe(true);
    expect(sameSweep(rebuilt, null)).toBe(false);
  });
});
