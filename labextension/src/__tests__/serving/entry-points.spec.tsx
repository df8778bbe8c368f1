import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { RunModels } from '../../experiments/components/run-models';
import { ModelAliases } from '../../models/components/model-aliases';
import { ModelVersions } from '../../models/components/model-versions';
import { VersionMetrics } from '../../models/components/version-metrics';
import { readChartColors } from '../../shared/charts/theme';
import { makeRunModel } from '../models/promotion-fixtures';
import {
  makeDescribeModel,
  makeModelVersion
} from '../models/registry-fixtures';

// Canvas drawing is not available in jsdom.
jest.mock('../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

describe('Serve buttons', () => {
  it('serve an alias of the Models section by its alias URI', () => {
    const onServe = jest.fn();
    render(
      <ModelAliases
        name="wine"
        aliases={{ champion: '3' }}
        moves={[]}
        onMoveAlias={jest.fn()}
        onRollback={jest.fn()}
        onRemoveAlias={jest.fn()}
        onCopyUri={jest.fn()}
        onServe={onServe}
        trans={trans}
      />
    );

    fireEvent.click(screen.getByRole('button', { name: 'Serve @champion…' }));

    expect(onServe).toHaveBeenCalledWith('models:/wine@champion', 'wine');
  });

  it('serve a version of the Models section by its version URI', () => {
    const onServe = jest.fn();
    render(
      <ModelVersions
        name="wine"
        versions={[makeModelVersion({ version: '2' })]}
        metricKeys={[]}
        onMoveAlias={jest.fn()}
        onCopyUri={jest.fn()}
        onOpenRun={jest.fn()}
        onServe={onServe}
        trans={trans}
      />
    );

    fireEvent.click(screen.getByRole('button', { name: 'Serve version 2…' }));

    expect(onServe).toHaveBeenCalledWith('models:/wine/2', 'wine');
  });

  it("serve the model view's aliases and versions", () => {
    const onServe = jest.fn();
    render(
      <VersionMetrics
        name="wine"
        model={makeDescribeModel()}
        metricKeys={['val_accuracy']}
        picked={['val_accuracy']}
        error={null}
        refreshing={false}
        colors={readChartColors()}
        onPick={jest.fn()}
        onOpenRun={jest.fn()}
        onServe={onServe}
        onRefresh={jest.fn()}
        trans={trans}
      />
    );

    fireEvent.click(screen.getByRole('button', { name: 'Serve @challenger…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Serve version 3…' }));

    expect(onServe.mock.calls).toEqual([
      ['models:/wine@challenger', 'wine'],
      ['models:/wine/3', 'wine']
    ]);
  });

  it('are hidden without a serve action', () => {
    render(
      <ModelVersions
        name="wine"
        versions={[makeModelVersion({ version: '2' })]}
        metricKeys={[]}
        onMoveAlias={jest.fn()}
        onCopyUri={jest.fn()}
        onOpenRun={jest.fn()}
        trans={trans}
      />
    );

    expect(screen.queryByRole('button', { name: /^Serve/ })).toBeNull();
  });

  it("serve a run's model by its own URI from the run's models block", () => {
    const onServe = jest.fn();
    render(
      <RunModels
        models={[
          makeRunModel({ artifact_path: 'model', model_uri: 'models:/m-1' }),
          makeRunModel({ artifact_path: 'draft', model_uri: 'models:/m-2' })
        ]}
        error={null}
        onPromote={jest.fn()}
        onServe={onServe}
        trans={trans}
      />
    );

    fireEvent.click(screen.getByRole('button', { name: 'Serve model draft' }));
    expect(onServe).toHaveBeenCalledWith('models:/m-2');
  });
});
