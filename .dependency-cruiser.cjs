/**
 * The layering of ../shared/ARCHITECTURE.md, checked on every `npm test`:
 * shared → nothing; renderer → shared; services/workers/host/cli → shared + Node;
 * main/preload → the above + electron; localcloud → nothing of the app.
 */
const NODE_BUILTINS = ['core'];

module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs everywhere: no Node, no Electron, no DOM libraries, nothing outside shared/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: ['^shared/', '^node_modules/zod/'], dependencyTypesNot: ['type-only', 'core'] },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: NODE_BUILTINS },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer reaches Node and Electron only through window.seedship or the host WebSocket.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: ['^electron/', '^localcloud/', '^node_modules/electron/'] },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: NODE_BUILTINS },
    },
    {
      name: 'node-side-never-electron',
      comment: 'services, workers, host and cli run in plain Node: only main/ and preload/ may import electron.',
      severity: 'error',
      from: { path: '^electron/(services|workers|host|cli)/' },
      to: { path: ['^node_modules/electron/', '^electron/(main|preload)/', '^renderer/', '^localcloud/'] },
    },
    {
      name: 'services-below-transports',
      comment: 'Services know nothing of the transports that expose them.',
      severity: 'error',
      from: { path: '^electron/(services|workers)/' },
      to: { path: '^electron/(host|cli)/' },
    },
    {
      name: 'workers-own-module',
      comment: 'A worker uses shared/ and its own module under electron/workers only.',
      severity: 'error',
      from: { path: '^electron/workers/' },
      to: { path: '^electron/services/' },
    },
    {
      name: 'main-preload-no-renderer',
      severity: 'error',
      from: { path: '^electron/(main|preload)/' },
      to: { path: ['^renderer/', '^localcloud/'] },
    },
    {
      name: 'localcloud-independent',
      comment: 'The local cloud must catch the app’s mistakes, so it never shares the app’s code.',
      severity: 'error',
      from: { path: '^localcloud/' },
      to: { path: ['^shared/', '^electron/', '^renderer/'] },
    },
    {
      name: 'app-never-imports-localcloud',
      severity: 'error',
      from: { path: '^(shared|electron|renderer)/' },
      to: { path: '^localcloud/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '\\.tsbuild/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
