module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The test kit starts the real knot plugin in every test backend.
    '@backstage/no-mixed-plugin-imports': [
      'warn',
      { excludedTargetPackages: ['@knot-platform/plugin-knot-backend'] },
    ],
  },
});
