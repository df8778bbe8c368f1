import js from '@eslint/js';
import jupyter from '@jupyter/eslint-plugin';
import prettierConfig from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/lib/',
      '**/coverage/',
      '.venv/',
      'jupyter_mlx/labextension/',
      'ui-tests/test-results/',
      'ui-tests/playwright-report/',
      '**/*.d.ts',
      '**/*.json'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...jupyter.configs.recommended.filter(
    config => !config.files?.some(pattern => pattern.endsWith('.json'))
  ),
  // Turns off formatting rules; `curly` is turned back on below.
  prettierConfig,
  {
    plugins: { jupyter },
    languageOptions: {
      globals: { ...globals.browser, ...globals.node }
    },
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none' }],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error',
      'jupyter/no-untranslated-string': 'error'
    }
  },
  {
    // Tests, configuration and browser tests hold no user-facing strings.
    files: ['labextension/src/__tests__/**', 'ui-tests/**', '*.js', '*.mjs'],
    rules: {
      'jupyter/no-untranslated-string': 'off',
      '@typescript-eslint/no-require-imports': 'off'
    }
  }
);
