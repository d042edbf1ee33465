// Import rules checked by `npm run lint:imports` (and `lint:cycles`): no cycles, type-only imports
// included, and no relative import that leaves its workspace package. Code in another package is
// imported by name (`@conductor/…`) through that package's `exports` map (docs/adr/0003).
const packages = ['sdk', 'schema', 'policies', 'examples/origin', 'workers/edge', 'control-plane'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle, type-only imports included: move the shared piece down into a module both can import.',
      from: {},
      to: { circular: true },
    },
    ...packages.map((pkg) => ({
      name: `no-escape-from-${pkg.replace('/', '-')}`,
      severity: 'error',
      comment: `A relative import leaves ${pkg}: import the other package by name through its exports map.`,
      from: { path: `^${pkg}/` },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased'], pathNot: `^${pkg}/` },
    })),
    {
      name: 'root-imports-packages-by-name',
      severity: 'error',
      comment: 'The launcher, benchmarks and cross-package suites import packages by name, never by path.',
      from: { path: '^(scripts|bench|tests)/' },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased'], path: `^(${packages.join('|')})/` },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.wrangler)/|worker-configuration\\.d\\.ts$' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
