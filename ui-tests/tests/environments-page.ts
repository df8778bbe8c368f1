import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { MLXSidebarPage } from './mlx-sidebar';

/**
 * An environment as the REST API describes it (the fields the tests read).
 */
export interface IEnvironmentRecord {
  name: string;
  flavour: 'conda' | 'pip';
  state: string;
  spec_path: string;
  lock_path: string | null;
  kernel: string | null;
}

/**
 * Page object of the Environments section of the MLX sidebar, its "New
 * environment" dialog and the confirmation of a removal; plus the REST calls
 * the tests check the server's side with.
 */
export class EnvironmentsPage {
  constructor(readonly page: IJupyterLabPageFixture) {
    this.sidebar = new MLXSidebarPage(page);
  }

  /**
   * The MLX sidebar holding the section.
   */
  readonly sidebar: MLXSidebarPage;

  /**
   * The Environments section's content.
   */
  get section(): Locator {
    return this.page.locator('#jp-mlx-environments');
  }

  /**
   * Open the MLX sidebar and make sure the Environments section is expanded.
   */
  async openSection(): Promise<void> {
    await this.sidebar.open();
    const heading = this.sidebar.sectionHeading('Environments');
    await heading.waitFor({ state: 'visible' });
    if ((await heading.getAttribute('aria-expanded')) === 'false') {
      await heading.click();
    }
    await this.section.waitFor({ state: 'visible' });
  }

  /**
   * The section's "New environment" button.
   */
  get newButton(): Locator {
    return this.section.getByRole('button', { name: 'New environment' });
  }

  // The "New environment" dialog.

  /**
   * The "New environment" dialog.
   */
  get dialog(): Locator {
    return this.page.locator('.jp-mlx-EnvironmentFormDialog');
  }

  /**
   * The dialog's field labelled `label` ("Name", "Flavour", "Requirements"…).
   */
  field(label: string): Locator {
    return this.dialog.getByLabel(label, { exact: true });
  }

  /**
   * The error shown beside the form field `field` (its wire name: `name`,
   * `dependencies`…).
   */
  fieldError(field: string): Locator {
    return this.dialog
      .locator(`.jp-mlx-EnvironmentForm-field[data-field="${field}"]`)
      .getByRole('alert');
  }

  /**
   * A button of the dialog ("Create", "Cancel", "Write requirements.in").
   */
  dialogButton(name: string): Locator {
    return this.dialog.getByRole('button', { name, exact: true });
  }

  /**
   * Fill the dialog with a pip environment: its name and its requirements.
   */
  async fillPip(name: string, requirements: string[]): Promise<void> {
    await this.field('Name').fill(name);
    await this.field('Flavour').selectOption('pip');
    await expect(this.field('Requirements')).toBeVisible();
    await this.field('Requirements').fill(requirements.join('\n'));
  }

  // The listed environments.

  /**
   * The listed environment named `name`.
   */
  row(name: string): Locator {
    return this.section
      .getByRole('list', { name: 'Environments', exact: true })
      .getByRole('listitem', { name, exact: true });
  }

  /**
   * The state badge of the listed environment `name`.
   */
  badge(name: string): Locator {
    return this.row(name).locator('.jp-mlx-EnvironmentState');
  }

  /**
   * An action of the listed environment `name`, by its accessible name
   * (`Lock NAME`, `Install NAME`, `Open the spec of NAME`…).
   */
  action(name: string, label: string): Locator {
    return this.row(name).getByRole('button', { name: label, exact: true });
  }

  /**
   * The install progress bar of the listed environment `name`.
   */
  progress(name: string): Locator {
    return this.row(name).getByRole('progressbar', {
      name: `Install progress of ${name}`
    });
  }

  /**
   * The lock and install log shown in the row of `name`.
   */
  log(name: string): Locator {
    return this.row(name).getByLabel(`Log of ${name}`, { exact: true });
  }

  /**
   * The spec lines of `name` changed since its lock.
   */
  staleLines(name: string): Locator {
    return this.row(name).getByRole('list', {
      name: `Spec lines of ${name} changed since the lock`
    });
  }

  /**
   * The errors shown in the row of `name`.
   */
  rowErrors(name: string): Locator {
    return this.row(name).getByRole('alert');
  }

  /**
   * The dialog asking whether to remove an environment.
   */
  get removeConfirmation(): Locator {
    return this.page.locator('.jp-Dialog', {
      has: this.page.locator('.jp-Dialog-header', {
        hasText: 'Remove environment?'
      })
    });
  }

  // The launcher.

  /**
   * The Notebook card of the kernel named `displayName` in the visible
   * launcher.
   */
  launcherCard(displayName: string): Locator {
    return this.page
      .locator(
        '.jp-Launcher:visible .jp-LauncherCard[data-category="Notebook"]'
      )
      .filter({
        has: this.page
          .locator('.jp-LauncherCard-label')
          .getByText(displayName, { exact: true })
      });
  }

  // The REST API.

  /**
   * The environment `name` as the server describes it, or `null` when the
   * server knows none of that name.
   */
  async describe(name: string): Promise<IEnvironmentRecord | null> {
    const response = await this.page.request.get(
      `/mlx/api/environments/${encodeURIComponent(name)}`
    );
    if (response.status() === 404) {
      return null;
    }
    expect(response.ok(), await response.text()).toBe(true);
    return (await response.json()) as IEnvironmentRecord;
  }

  /**
   * Remove the environment `name` with its spec and lock, if it exists
   * (what a test leaves behind must not clash with the next run).
   */
  async removeThroughApi(name: string): Promise<void> {
    const response = await this.page.request.delete(
      `/mlx/api/environments/${encodeURIComponent(name)}?delete_spec=true`
    );
    expect(
      [204, 404].includes(response.status()),
      `DELETE ${name}: ${response.status()} ${await response.text()}`
    ).toBe(true);
  }

  /**
   * The text of the file at `path` (relative to the server root), or `null`
   * when there is none.
   */
  async fileText(path: string): Promise<string | null> {
    const response = await this.page.request.get(
      `/api/contents/${path.split('/').map(encodeURIComponent).join('/')}?content=1&type=file&format=text`
    );
    if (response.status() === 404) {
      return null;
    }
    expect(response.ok(), await response.text()).toBe(true);
    return ((await response.json()) as { content: string }).content;
  }
}
