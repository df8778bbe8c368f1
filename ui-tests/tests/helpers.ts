import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { TestInfo } from '@playwright/test';
import * as path from 'path';

/**
 * The example notebook. Its parameters cell is
 * `lr = 0.01\nepochs = 30\nhidden = 32\nseed = 0`; it prints a line per tenth
 * epoch (and the last) and, at its end, the predictions of the model it
 * logged.
 */
export const EXAMPLE = path.resolve(
  __dirname,
  '..',
  '..',
  'examples',
  'train_classifier.ipynb'
);

/**
 * A notebook (nbformat 4) of code cells, the first tagged `parameters` when
 * `parameters` is set.
 */
export function notebook(cells: string[], parameters = false): string {
  return JSON.stringify({
    cells: cells.map((source, index) => ({
      cell_type: 'code',
      execution_count: null,
      id: `cell-${index}`,
      metadata: parameters && index === 0 ? { tags: ['parameters'] } : {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        display_name: 'Python 3 (ipykernel)',
        language: 'python',
        name: 'python3'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/**
 * A function saving a screenshot of the page as an artifact of the test,
 * named `<prefix>-<name>.png`.
 */
export function screenshots(
  prefix: string
): (
  page: IJupyterLabPageFixture,
  name: string,
  testInfo: TestInfo
) => Promise<void> {
  return async (page, name, testInfo) => {
    const file = testInfo.outputPath(`${prefix}-${name}.png`);
    await page.screenshot({ path: file });
    await testInfo.attach(`${prefix}-${name}`, {
      path: file,
      contentType: 'image/png'
    });
  };
}
