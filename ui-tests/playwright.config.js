/**
 * Configuration of the jupyter-mlx browser tests (Galata on Playwright).
 *
 * Runs Debian's Chromium (`apt-get install chromium`): Playwright's own
 * browser downloads are not used.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// One fresh jupyter-mlx workspace for the server and all workers. Workers
// load this file again but inherit the variable, so they see the same folder.
if (!process.env.MLX_UI_TEST_WORKSPACE) {
  process.env.MLX_UI_TEST_WORKSPACE = fs.mkdtempSync(
    path.join(os.tmpdir(), 'mlx-ui-test-')
  );
}

// Port of the test server: 8888 unless MLX_UI_TEST_PORT says otherwise (the
// server config reads the same variable).
const port = process.env.MLX_UI_TEST_PORT || '8888';

module.exports = {
  ...baseConfig,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    },
    trace: 'off',
    video: 'off'
  },
  webServer: {
    command: 'jlpm start',
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
