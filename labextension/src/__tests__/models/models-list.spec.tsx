import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import React from 'react';

import type { IDescribeModel, IModelHistory } from '../../api/types';
import {
  type IModelsListProps,
  ModelsList
} from '../../models/components/models-list';
import { ModelsState } from '../../models/state/models';
import { ModelsPanel } from '../../models/widgets/models-panel';
import { makeClient } from '../fixtures';
import {
  makeAliasMove,
  makeDescribeModel,
  makeModelHistory,
  makeModelSummary
} from './registry-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

/**
 * Render the list of `wine`, expanded when `detail` is given, each callback
 * a mock.
 */
function renderList(
  options: {
    detail?: IDescribeModel;
    history?: IModelHistory;
  } & Omit<Partial<IModelsListProps>, 'detail' | 'history'> = {}
): IModelsListProps {
  const { detail, history, ...overrides } = options;
  const props: IModelsListProps = {
    models: [makeModelSummary()],
    truncated: false,
    search: '',
    loaded: true,
    refreshing: false,
    error: null,
    isExpanded: () => detail !== undefined,
    detail: () => detail ?? null,
    history: () => history ?? null,
    detailError: () => null,
    onSearch: jest.fn(),
    onExpand: jest.fn(),
    onOpenModel: jest.fn(),
    onMoveAlias: jest.fn(),
    onRollback: jest.fn(),
    onRemoveAlias: jest.fn(),
    onCopyUri: jest.fn(),
    onOpenRun: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
  render(<ModelsList {...props} />);
  return props;
}

/**
 * The row of a registered model.
 */
function row(name = 'wine'): HTMLElement {
  return screen.getByRole('listitem', { name });
}

describe('ModelsList', () => {
  it('says how to register a first model', () => {
    renderList({ models: [] });

    expect(
      screen.getByText(
        "No registered models yet: promote a run's model from its run view, %mlx_promote or `jupyter mlx models promote`."
      )
    ).toBeInTheDocument();
  });

  it('says when no model matches the search', () => {
    renderList({ models: [], search: 'iris' });

    expect(
      screen.getByText('No registered model name contains “iris”.')
    ).toBeInTheDocument();
  });

  it('lists each model with its alias chips, latest version and age', () => {
    const props = renderList();
    const wine = within(row());

    expect(wine.getByText('wine')).toBeInTheDocument();
    expect(
      within(wine.getByRole('list', { name: 'Aliases of wine' })).getByText(
        '@champion → v3'
      )
    ).toBeInTheDocument();
    expect(wine.getByText('latest v3')).toBeInTheDocument();
    expect(wine.getByText('5 minutes ago')).toBeInTheDocument();

    const toggle = wine.getByRole('button', {
      name: 'Show the versions of wine'
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    fireEvent.click(toggle);
    expect(props.onExpand).toHaveBeenCalledWith('wine', true);
  });

  it('searches as the user types', async () => {
    const props = renderList();

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search models' }), {
      target: { value: 'wi' }
    });

    await waitFor(() => expect(props.onSearch).toHaveBeenCalledWith('wi'));
  });

  it('shows the versions of an expanded model with their run, notebook and key metrics', () => {
    const props = renderList({
      detail: makeDescribeModel(),
      history: makeModelHistory()
    });
    const versions = within(
      screen.getByRole('list', { name: 'Versions of wine' })
    );

    expect(
      screen.getByRole('button', { name: 'Hide the versions of wine' })
    ).toHaveAttribute('aria-expanded', 'true');
    const v3 = within(versions.getByRole('listitem', { name: 'Version 3' }));
    expect(v3.getByText('v3')).toBeInTheDocument();
    expect(
      within(v3.getByRole('list', { name: 'Aliases of version 3' })).getByText(
        '@champion'
      )
    ).toBeInTheDocument();
    const notebook = v3.getByTitle(
      'projects/wine-quality/notebooks/experiments/train.ipynb'
    );
    expect(notebook.textContent).toContain('…');
    expect(notebook.textContent).toMatch(/train\.ipynb$/);
    expect(v3.getByText('1 hour ago')).toBeInTheDocument();
    // The gated metric first, then those most versions have.
    const keys = Array.from(
      versions
        .getByRole('listitem', { name: 'Version 1' })
        .querySelectorAll('dt')
    ).map(dt => dt.textContent);
    expect(keys).toEqual(['val_accuracy', 'loss', 'epochs']);

    fireEvent.click(v3.getByRole('button', { name: 'calm-fox-3' }));
    expect(props.onOpenRun).toHaveBeenCalledWith('run-3');
    fireEvent.click(
      v3.getByRole('button', { name: 'Open the run of version 3' })
    );
    expect(props.onOpenRun).toHaveBeenCalledTimes(2);
    fireEvent.click(
      v3.getByRole('button', { name: 'Promote version 3 to an alias…' })
    );
    expect(props.onMoveAlias).toHaveBeenCalledWith('wine', { version: '3' });
    fireEvent.click(v3.getByRole('button', { name: 'Copy URI of version 3' }));
    expect(props.onCopyUri).toHaveBeenCalledWith('models:/wine/3');

    fireEvent.click(screen.getByRole('button', { name: 'Open model view' }));
    expect(props.onOpenModel).toHaveBeenCalledWith('wine');
  });

  it('offers the actions of each alias, rollback only where the history shows an earlier version', () => {
    const props = renderList({
      detail: makeDescribeModel(),
      history: makeModelHistory()
    });
    const aliases = within(
      screen.getByRole('list', { name: 'Aliases of wine and their versions' })
    );
    const champion = within(
      aliases.getByRole('listitem', { name: '@champion → v3' })
    );
    const challenger = within(
      aliases.getByRole('listitem', { name: '@challenger → v2' })
    );

    const rollback = champion.getByRole('button', {
      name: 'Roll back @champion'
    });
    expect(rollback).toBeEnabled();
    expect(rollback).toHaveAttribute('title', 'Move @champion back to v2');
    fireEvent.click(rollback);
    expect(props.onRollback).toHaveBeenCalledWith('wine', 'champion');
    expect(
      challenger.getByRole('button', { name: 'Roll back @challenger' })
    ).toBeDisabled();

    fireEvent.click(
      champion.getByRole('button', { name: 'Promote a version to @champion…' })
    );
    expect(props.onMoveAlias).toHaveBeenCalledWith('wine', {
      alias: 'champion'
    });
    fireEvent.click(champion.getByRole('button', { name: 'Remove @champion' }));
    expect(props.onRemoveAlias).toHaveBeenCalledWith('wine', 'champion');
    fireEvent.click(
      champion.getByRole('button', { name: 'Copy URI of @champion' })
    );
    expect(props.onCopyUri).toHaveBeenCalledWith('models:/wine@champion');
  });

  it('shows the alias history newest first: refused and outside moves told apart', () => {
    renderList({
      detail: makeDescribeModel(),
      history: makeModelHistory([
        makeAliasMove({
          move_id: 3,
          action: 'move',
          outcome: 'refused',
          from_version: '3',
          to_version: '1',
          gates: [
            {
              gate: 'val_accuracy >= 0.9',
              kind: 'metric',
              status: 'failed',
              detail: 'val_accuracy 0.85 < 0.9'
            }
          ],
          note: '',
          error: 'val_accuracy >= 0.9 failed: val_accuracy 0.85 < 0.9'
        }),
        makeAliasMove({
          move_id: 2,
          action: 'outside',
          user: null,
          gates: [],
          note: ''
        }),
        makeAliasMove()
      ])
    });
    const entries = Array.from(
      screen.getByRole('list', { name: 'Alias history of wine' }).children
    ) as HTMLElement[];

    expect(entries[0]).toHaveAccessibleName(
      '@champion v3 → v1: moved, refused'
    );
    expect(entries[0]).toHaveAttribute('data-outcome', 'refused');
    const refused = within(entries[0]);
    expect(
      refused.getByText('val_accuracy >= 0.9 failed: val_accuracy 0.85 < 0.9')
    ).toBeInTheDocument();
    expect(refused.getByText('gates: 0 passed, 1 failed')).toHaveAttribute(
      'title',
      'failed: val_accuracy >= 0.9 (val_accuracy 0.85 < 0.9)'
    );

    expect(entries[1]).toHaveAccessibleName(
      '@champion v2 → v3: moved outside jupyter-mlx, done'
    );
    expect(
      within(entries[1]).getByText('outside jupyter-mlx')
    ).toBeInTheDocument();

    const promoted = within(entries[2]);
    expect(promoted.getByText('ada')).toBeInTheDocument();
    expect(promoted.getByText('1 minute ago')).toBeInTheDocument();
    expect(promoted.getByText('1 gate passed')).toBeInTheDocument();
    expect(promoted.getByText('better on the holdout')).toBeInTheDocument();
  });

  it('shows why an expanded model cannot be read', () => {
    renderList({
      isExpanded: () => true,
      detailError: () => 'Registered model wine not found'
    });

    expect(within(row()).getByRole('alert')).toHaveTextContent(
      'Registered model wine not found'
    );
  });
});

describe('ModelsPanel', () => {
  it('runs the models commands with the alias or version acted on', async () => {
    // Given the panel of wine, expanded, with the commands recorded
    const client = makeClient();
    client.listModels.mockResolvedValue({
      models: [makeModelSummary()],
      next_page_token: null
    });
    client.getModel.mockResolvedValue(makeDescribeModel());
    client.getModelHistory.mockResolvedValue(makeModelHistory());
    const commands = new CommandRegistry();
    const executed: [string, ReadonlyPartialJSONObject][] = [];
    for (const id of [
      'mlx:move-model-alias',
      'mlx:rollback-model-alias',
      'mlx:open-run',
      'mlx:open-model'
    ]) {
      commands.addCommand(id, {
        describedBy: { args: { type: 'object' } },
        execute: args => {
          executed.push([id, args]);
        }
      });
    }
    const state = new ModelsState({ client });
    const panel = new ModelsPanel({ state, commands, trans });
    act(() => Widget.attach(panel, document.body));
    await act(async () => {
      await state.start();
      await state.expand('wine');
    });
    expect(panel.title.label).toBe('Models');

    // When the user acts on champion, version 2 and its run
    const node = within(panel.node);
    await act(async () => {
      fireEvent.click(
        await node.findByRole('button', { name: 'Roll back @champion' })
      );
      fireEvent.click(
        node.getByRole('button', { name: 'Promote version 2 to an alias…' })
      );
      fireEvent.click(node.getByRole('button', { name: 'bold-elk-2' }));
      fireEvent.click(node.getByRole('button', { name: 'Open model view' }));
    });

    // Then each command runs with its arguments
    expect(executed).toEqual([
      ['mlx:rollback-model-alias', { name: 'wine', alias: 'champion' }],
      ['mlx:move-model-alias', { name: 'wine', version: '2' }],
      ['mlx:open-run', { run_id: 'run-2' }],
      ['mlx:open-model', { name: 'wine' }]
    ]);
    act(() => panel.dispose());
    expect(state.isDisposed).toBe(true);
  });
});
