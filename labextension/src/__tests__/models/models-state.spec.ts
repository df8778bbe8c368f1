import { ModelsState } from '../../models/state/models';
import { makeAPIError, makeClient } from '../fixtures';
import {
  makeAliasMove,
  makeDescribeModel,
  makeModelHistory,
  makeModelSummary
} from './registry-fixtures';

describe('ModelsState', () => {
  let client: ReturnType<typeof makeClient>;
  let state: ModelsState;

  beforeEach(() => {
    client = makeClient();
    client.listModels.mockResolvedValue({
      models: [makeModelSummary(), makeModelSummary({ name: 'iris' })],
      next_page_token: null
    });
    client.getModel.mockResolvedValue(makeDescribeModel());
    client.getModelHistory.mockResolvedValue(makeModelHistory());
    state = new ModelsState({ client, interval: 30 });
  });

  afterEach(() => {
    state.dispose();
  });

  it('lists the registered models at the interval the settings give', async () => {
    await state.start();

    expect(state.models.map(model => model.name)).toEqual(['wine', 'iris']);
    expect(state.loaded).toBe(true);
    expect(state.truncated).toBe(false);
    expect(state.refreshInterval).toBe(30);
    expect(state.frequency.interval).toBe(30_000);
    expect(client.listModels).toHaveBeenCalledWith(
      expect.objectContaining({ search: '' })
    );
  });

  it('searches by part of the name, and says when more models match', async () => {
    await state.start();
    client.listModels.mockResolvedValue({
      models: [makeModelSummary()],
      next_page_token: 'next'
    });

    state.search = ' win ';
    expect(state.loaded).toBe(false);
    await state.refresh();

    expect(client.listModels).toHaveBeenLastCalledWith(
      expect.objectContaining({ search: 'win' })
    );
    expect(state.models.map(model => model.name)).toEqual(['wine']);
    expect(state.truncated).toBe(true);
  });

  it('reads an expanded model at once, and again with each refresh', async () => {
    await state.start();

    await state.expand('wine');

    expect(state.isExpanded('wine')).toBe(true);
    expect(state.detail('wine')?.versions).toHaveLength(3);
    expect(state.history('wine')?.moves).toHaveLength(1);
    expect(state.detail('iris')).toBeNull();

    client.getModelHistory.mockResolvedValue(
      makeModelHistory([
        makeAliasMove({ move_id: 2, action: 'rollback' }),
        makeAliasMove()
      ])
    );
    await state.refresh();
    expect(state.history('wine')?.moves.map(move => move.action)).toEqual([
      'rollback',
      'promote'
    ]);
    expect(client.getModel).toHaveBeenCalledTimes(2);
  });

  it('stops reading a collapsed model', async () => {
    await state.start();
    await state.expand('wine');

    state.collapse('wine');
    await state.refresh();

    expect(state.isExpanded('wine')).toBe(false);
    expect(state.detail('wine')).toBeNull();
    expect(client.getModel).toHaveBeenCalledTimes(1);
  });

  it("keeps a model's read failure with that model, and what it showed", async () => {
    await state.start();
    await state.expand('wine');
    client.getModel.mockRejectedValue(
      makeAPIError(503, 'The tracking store cannot be reached')
    );

    await state.refresh();

    expect(state.error).toBeNull();
    expect(state.detailError('wine')).toBe(
      'The tracking store cannot be reached'
    );
    expect(state.detail('wine')?.name).toBe('wine');
  });

  it("reports a failure of the list as the state's error", async () => {
    client.listModels.mockRejectedValue(makeAPIError(503, 'MLflow is down'));

    await state.start();

    expect(state.error?.message).toBe('MLflow is down');
    expect(state.models).toEqual([]);
  });
});
