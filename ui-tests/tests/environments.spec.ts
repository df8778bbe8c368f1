import { expect, test } from '@jupyterlab/galata';
import type { TestInfo } from '@playwright/test';

import { EnvironmentsPage } from './environments-page';
import { screenshots } from './helpers';

/**
 * How long `uv pip compile` may take to lock ipykernel: a cold uv cache
 * fetches its metadata from the package index.
 */
const LOCK_TIMEOUT = 60_000;

/**
 * How long an install of ipykernel into a fresh virtual environment may take:
 * with a cold uv cache every wheel is downloaded.
 */
const INSTALL_TIMEOUT = 120_000;

/**
 * How long the section may take to show a change made outside it (its list
 * refreshes every ten seconds).
 */
const REFRESH_TIMEOUT = 30_000;

/**
 * Save a screenshot of the page as an artifact of the test.
 */
const screenshot = screenshots('environments');

/**
 * A name no earlier run of the tests used, so that a rerun against the same
 * server finds no clash.
 */
function uniqueName(prefix: string, testInfo: TestInfo): string {
  return `${prefix}-${Date.now().toString(36)}-${testInfo.workerIndex}`;
}

test.describe('Environments', () => {
  // An action on a control that never becomes actionable fails, not hangs.
  test.use({ actionTimeout: 30_000 });

  /**
   * The environments a test created, removed (spec and lock included) once
   * it ends, whether it passed or not.
   */
  let created: string[] = [];

  test.beforeEach(() => {
    created = [];
  });

  test.afterEach(async ({ page }) => {
    const environments = new EnvironmentsPage(page);
    for (const name of created) {
      await environments.removeThroughApi(name);
    }
  });

  test('creates a pip environment, locks and installs it, offers its kernel in the launcher, and marks it stale once its spec is edited', async ({
    page
  }, testInfo) => {
    test.setTimeout(LOCK_TIMEOUT + INSTALL_TIMEOUT + 120_000);
    const environments = new EnvironmentsPage(page);
    const name = uniqueName('pip-demo', testInfo);
    const specPath = `envs/${name}/requirements.in`;
    const kernelName = `Python (mlx: ${name})`;

    // Given the Environments section, open
    await environments.openSection();

    // When "New environment" is clicked
    await environments.newButton.click();

    // Then the dialog asks for a name, a flavour (conda first) and packages
    await expect(environments.dialog).toBeVisible();
    await expect(environments.dialog).toContainText('New Environment');
    await expect(environments.field('Flavour')).toHaveValue('conda');
    await expect(environments.field('Channels')).toBeVisible();

    // When it is filled with a pip environment needing ipykernel
    await environments.fillPip(name, ['ipykernel']);

    // Then the conda-only fields are gone and the file button follows the
    // flavour
    await expect(environments.field('Channels')).toHaveCount(0);
    await expect(environments.field('Pip requirements')).toHaveCount(0);
    await expect(
      environments.dialogButton('Write requirements.in')
    ).toBeVisible();
    await screenshot(page, 'dialog-pip', testInfo);

    // When it is created
    await environments.dialogButton('Create').click();
    created.push(name);

    // Then the dialog closes and the section lists it, declared, with its
    // spec written under envs/
    await expect(environments.dialog).toHaveCount(0, { timeout: 30_000 });
    const row = environments.row(name);
    await expect(row).toHaveAttribute('data-state', 'declared');
    await expect(row).toContainText('pip');
    await expect(environments.badge(name)).toHaveText('Declared');
    await expect(environments.action(name, `Install ${name}`)).toBeDisabled();
    await expect(
      environments.action(name, `Open the lock of ${name}`)
    ).toBeDisabled();
    expect(await environments.fileText(specPath)).toMatch(/^ipykernel$/m);
    expect((await environments.describe(name))?.spec_path).toBe(specPath);
    await screenshot(page, 'declared', testInfo);

    // When it is locked
    await environments.action(name, `Lock ${name}`).click();

    // Then it is locked, with its packages counted and its lock beside its
    // spec
    await expect(row).toHaveAttribute('data-state', 'locked', {
      timeout: LOCK_TIMEOUT
    });
    await expect(environments.badge(name)).toHaveText('Locked');
    await expect(row).toContainText(/\d+ packages/);
    await expect(environments.action(name, `Install ${name}`)).toBeEnabled();
    const lock = await environments.fileText(`envs/${name}/requirements.lock`);
    expect(lock).toMatch(/^ipykernel==\S+/m);
    expect(lock).toContain('--hash=sha256:');
    await screenshot(page, 'locked', testInfo);

    // When it is installed
    await environments.action(name, `Install ${name}`).click();

    // Then the row shows the install's progress and its log while it runs
    await expect(row).toHaveAttribute('data-state', 'installing');
    await expect(environments.progress(name)).toBeVisible();
    await expect(environments.log(name)).toBeVisible();
    await expect(environments.action(name, `Lock ${name}`)).toBeDisabled();
    await environments.progress(name).scrollIntoViewIfNeeded();
    await screenshot(page, 'installing', testInfo);

    // And it becomes ready, with its kernel and the whole log of the install
    await expect(row).toHaveAttribute('data-state', 'ready', {
      timeout: INSTALL_TIMEOUT
    });
    await expect(environments.badge(name)).toHaveText('Ready');
    await expect(environments.progress(name)).toHaveCount(0);
    await expect(row).toContainText(`kernel mlx-${name}`);
    await expect(environments.log(name)).toHaveAttribute(
      'data-complete',
      'true',
      { timeout: REFRESH_TIMEOUT }
    );
    await expect(environments.log(name)).toContainText('ipykernel');
    expect((await environments.describe(name))?.kernel).toBe(`mlx-${name}`);
    await environments.badge(name).scrollIntoViewIfNeeded();
    await screenshot(page, 'ready', testInfo);

    // And the launcher offers a notebook on its kernel
    await page.activity.activateTab('Launcher');
    await expect(environments.launcherCard(kernelName)).toBeVisible({
      timeout: REFRESH_TIMEOUT
    });
    await screenshot(page, 'launcher', testInfo);

    // When its spec is opened from its row, a requirement added in the
    // editor, and the file saved
    await environments.action(name, `Open the spec of ${name}`).click();
    const editor = page.locator('.jp-FileEditor:visible .cm-content');
    await expect(editor).toContainText('ipykernel', { timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('packaging\n');
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => environments.fileText(specPath), { timeout: 30_000 })
      .toMatch(/^packaging$/m);

    // Then the row says it is stale, with the line added since the lock, and
    // points to locking it again rather than installing
    await expect(row).toHaveAttribute('data-state', 'stale', {
      timeout: REFRESH_TIMEOUT
    });
    await expect(environments.badge(name)).toHaveText('Stale');
    const stale = environments.staleLines(name).getByRole('listitem');
    await expect(stale).toHaveCount(1);
    await expect(stale).toHaveClass(/jp-mod-added/);
    await expect(stale).toContainText('packaging');
    await expect(environments.action(name, `Install ${name}`)).toBeDisabled();
    await expect(environments.action(name, `Lock ${name}`)).toHaveClass(
      /jp-mod-attention/
    );
    await environments.staleLines(name).scrollIntoViewIfNeeded();
    await screenshot(page, 'stale', testInfo);

    // When the editor is closed and the environment removed from its row,
    // spec included
    await page.activity.closePanel('requirements.in');
    await environments.action(name, `Remove ${name}`).click();
    await expect(environments.removeConfirmation).toBeVisible();
    await environments.removeConfirmation
      .getByRole('checkbox', { name: /Also delete its spec/ })
      .check();
    await environments.removeConfirmation
      .getByRole('button', { name: 'Remove', exact: true })
      .click();

    // Then its row, its spec and its kernel are gone
    await expect(row).toHaveCount(0, { timeout: REFRESH_TIMEOUT });
    expect(await environments.describe(name)).toBeNull();
    expect(await environments.fileText(specPath)).toBeNull();
    await page.activity.activateTab('Launcher');
    await expect(environments.launcherCard(kernelName)).toHaveCount(0, {
      timeout: REFRESH_TIMEOUT
    });
  });

  test('shows a malformed requirement beside its field and an unsatisfiable one on its row, writing neither spec nor lock', async ({
    page
  }, testInfo) => {
    test.setTimeout(LOCK_TIMEOUT + 60_000);
    const environments = new EnvironmentsPage(page);
    const name = uniqueName('pip-bad', testInfo);
    const specPath = `envs/${name}/requirements.in`;

    // Given the "New environment" dialog of the Environments section
    await environments.openSection();
    await environments.newButton.click();
    await expect(environments.dialog).toBeVisible();

    // When a pip environment is created with a line that is no requirement
    await environments.fillPip(name, ['ipykernel', 'not a requirement!']);
    await environments.dialogButton('Create').click();
    created.push(name);

    // Then the server's refusal shows beside the requirements, the dialog
    // stays open, and no spec is written
    await expect(environments.fieldError('dependencies')).toContainText(
      "'not a requirement!' is not a pip requirement",
      { timeout: 30_000 }
    );
    await expect(environments.field('Requirements')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await expect(environments.dialog).toBeVisible();
    expect(await environments.describe(name)).toBeNull();
    expect(await environments.fileText(specPath)).toBeNull();
    await screenshot(page, 'dialog-error', testInfo);

    // When the line is replaced by a version of ipykernel that does not
    // exist, then the error clears and the environment is created
    await environments.field('Requirements').fill('ipykernel==0.0.0');
    await expect(environments.fieldError('dependencies')).toHaveCount(0);
    await environments.dialogButton('Create').click();
    await expect(environments.dialog).toHaveCount(0, { timeout: 30_000 });
    const row = environments.row(name);
    await expect(row).toHaveAttribute('data-state', 'declared');

    // And when it is locked
    await environments.action(name, `Lock ${name}`).click();

    // Then the row shows uv's explanation, naming the requirement, and no
    // lock is written
    await expect(environments.rowErrors(name)).toContainText(
      'cannot be locked',
      { timeout: LOCK_TIMEOUT }
    );
    await expect(environments.rowErrors(name)).toContainText(
      'ipykernel==0.0.0'
    );
    await expect(row).toHaveAttribute('data-state', /^(declared|failed)$/);
    await expect(
      environments.action(name, `Open the lock of ${name}`)
    ).toBeDisabled();
    await expect(environments.action(name, `Install ${name}`)).toBeDisabled();
    expect((await environments.describe(name))?.lock_path).toBeNull();
    expect(
      await environments.fileText(`envs/${name}/requirements.lock`)
    ).toBeNull();
    await environments.rowErrors(name).scrollIntoViewIfNeeded();
    await screenshot(page, 'lock-error', testInfo);
  });
});
