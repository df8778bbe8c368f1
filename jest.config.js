const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// Packages shipped as ES modules, which jest must transform.
const esModules = [
  '@codemirror',
  '@jupyter/',
  '@jupyterlab/',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  moduleNameMapper: {
    ...baseConfig.moduleNameMapper,
    // Source files import icons by their path from the compiled lib/ folder.
    '^(\\.\\./)+labextension/style/icons/(.*\\.svg)$':
      '<rootDir>/labextension/style/icons/$2'
  },
  automock: false,
  collectCoverageFrom: [
    'labextension/src/**/*.{ts,tsx}',
    '!labextension/src/**/*.d.ts',
    '!labextension/src/**/__tests__/**'
  ],
  coverageReporters: ['lcov', 'text-summary'],
  reporters: ['default'],
  setupFiles: [
    ...baseConfig.setupFiles,
    '<rootDir>/labextension/src/__tests__/jsdom-shims.ts'
  ],
  setupFilesAfterEnv: ['@testing-library/jest-dom'],
  testRegex: 'labextension/src/__tests__/.*\\.spec\\.tsx?$',
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
