import { nullTranslator } from '@jupyterlab/translation';

import { PromotionState } from '../../models/state/promotion';
import { makeAPIError } from '../fixtures';
import {
  makeGate,
  makePromotion,
  makePromotionClient
} from './promotion-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('PromotionState', () => {
  let client: ReturnType<typeof makePromotionClient>;
  let state: PromotionState;

  beforeEach(() => {
    client = makePromotionClient();
    state = new PromotionState({
      client,
      target: { kind: 'run', runId: 'run-1' },
      trans,
      pollInterval: 0
    });
  });

  afterEach(() => {
    state.dispose();
  });

  it("offers the run's models and the registered names, the first model chosen", async () => {
    await state.load();

    expect(state.phase).toBe('editing');
    expect(state.runModels.map(model => model.artifact_path)).toEqual([
      'model',
      'legacy'
    ]);
    expect(state.modelNames).toEqual(['wine']);
    expect(state.draft).toMatchObject({
      artifact_path: 'model',
      alias: 'champion',
      smoke: false
    });
    expect(state.smokeUnavailable).toBeNull();
    expect(state.canSubmit).toBe(true);
  });

  it('disables the smoke test for a model without an input example', async () => {
    await state.load();
    state.set('smoke', true);

    state.set('artifact_path', 'legacy');

    expect(state.smokeUnavailable).toMatch(/no input example/);
    expect(state.draft.smoke).toBe(false);
  });

  it("fills the gates with an existing model's defaults, unless edited", async () => {
    await state.load();

    state.set('name', 'wine');
    await Promise.resolve();
    await Promise.resolve();

    expect(client.getModel).toHaveBeenCalledWith('wine');
    expect(state.draft.gates).toBe('accuracy >= 0.9');

    state.set('gates', 'loss < champion.loss');
    state.set('name', 'wine');
    await Promise.resolve();
    expect(state.draft.gates).toBe('loss < champion.loss');
  });

  it('says a run without models has none, and cannot be sent', async () => {
    client.listRunModels.mockResolvedValueOnce({ run_id: 'run-1', models: [] });

    await state.load();

    expect(state.message).toBe(
      'Run run-1 holds no model: log one with mlflow.<flavour>.log_model.'
    );
    expect(state.canSubmit).toBe(false);
  });

  it('names the missing registered model without asking the server', async () => {
    await state.load();

    expect(await state.submit()).toBeNull();

    expect(state.errors.name).toBe('Name the registered model.');
    expect(client.promoteModel).not.toHaveBeenCalled();
  });

  it("shows the server's refusal beside the field it names, until it changes", async () => {
    await state.load();
    state.set('name', 'wine');
    state.set('gates', 'accuracy >>= 0.9');
    client.promoteModel.mockRejectedValueOnce(
      makeAPIError(
        400,
        "Gate 'accuracy >>= 0.9': expected an operator at 9",
        'gates.0'
      )
    );

    expect(await state.submit()).toBeNull();

    expect(state.phase).toBe('editing');
    expect(state.errors.gates).toBe(
      "Gate 'accuracy >>= 0.9': expected an operator at 9"
    );
    state.set('gates', 'accuracy >= 0.9');
    expect(state.errors.gates).toBeUndefined();
  });

  it('follows the gates until the promotion ends, then says so once', async () => {
    // Given a form for a new model with a gate and the smoke test
    await state.load();
    state.set('name', 'cellar');
    state.set('gates', ' accuracy >= 0.9 \n\n');
    state.set('smoke', true);
    state.set('note', 'first');
    const running = makePromotion({ name: 'cellar' });
    client.promoteModel.mockResolvedValueOnce(running);
    client.getPromotion
      .mockResolvedValueOnce({
        ...running,
        gates: [makeGate({ status: 'running' })]
      })
      .mockResolvedValueOnce({
        ...running,
        state: 'promoted',
        version: '1',
        gates: [makeGate({ status: 'passed', detail: 'accuracy 0.93 >= 0.9' })]
      });
    const seen: string[] = [];
    state.changed.connect(() => {
      const gate = state.promotion?.gates[0];
      if (gate && seen[seen.length - 1] !== gate.status) {
        seen.push(gate.status);
      }
    });
    const ended = jest.fn();
    state.ended.connect((_, promotion) => ended(promotion.state));

    // When it is sent
    const promotion = await state.submit();

    // Then the request carries the form, and the gate went through its states
    expect(client.promoteModel).toHaveBeenCalledWith({
      run_id: 'run-1',
      artifact_path: 'model',
      name: 'cellar',
      alias: 'champion',
      gates: ['accuracy >= 0.9'],
      smoke: true,
      note: 'first'
    });
    expect(client.getPromotion).toHaveBeenCalledWith('p-1');
    expect(seen).toEqual(['pending', 'running', 'passed']);
    expect(promotion?.state).toBe('promoted');
    expect(state.phase).toBe('ended');
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledWith('promoted');
  });

  it('says when the promotion can no longer be read', async () => {
    await state.load();
    state.set('name', 'wine');
    client.promoteModel.mockResolvedValueOnce(makePromotion());
    client.getPromotion.mockRejectedValueOnce(
      makeAPIError(404, "Promotion 'p-1' not found")
    );

    expect(await state.submit()).toBeNull();

    expect(state.phase).toBe('ended');
    expect(state.message).toBe(
      "Cannot follow the promotion: Promotion 'p-1' not found"
    );
  });

  it('moves an alias to a version, the newest one it does not hold chosen first', async () => {
    const move = new PromotionState({
      client,
      target: { kind: 'version', name: 'wine' },
      trans,
      pollInterval: 0
    });
    await move.load();
    expect(move.versions.map(version => version.version)).toEqual(['2', '1']);
    expect(move.draft).toMatchObject({
      name: 'wine',
      alias: 'champion',
      version: '1',
      gates: 'accuracy >= 0.9'
    });
    client.moveModelAlias.mockResolvedValueOnce(
      makePromotion({ state: 'promoted', version: '1', previous_version: '2' })
    );

    const promotion = await move.submit();

    expect(client.moveModelAlias).toHaveBeenCalledWith('wine', 'champion', {
      version: '1',
      gates: ['accuracy >= 0.9'],
      smoke: false,
      note: ''
    });
    expect(promotion?.previous_version).toBe('2');
    expect(client.getPromotion).not.toHaveBeenCalled();
    move.dispose();
  });

  it('shows why the model cannot be read', async () => {
    client.getModel.mockRejectedValueOnce(
      makeAPIError(404, "Registered model 'gone' not found")
    );
    const move = new PromotionState({
      client,
      target: { kind: 'version', name: 'gone' },
      trans
    });

    await move.load();

    expect(move.message).toBe("Registered model 'gone' not found");
    expect(move.canSubmit).toBe(false);
    move.dispose();
  });
});
