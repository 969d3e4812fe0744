/**
 * The intended direction of imports (issue 9 §3); `npm run depcheck` (and scripts/test.sh) fail on
 * any import against it. Module map and reasons: docs/architecture.md.
 *
 *   apps -> web-ui -> sdk -> protocol          (browser side)
 *   sdk, detector -> emitter                   (the typed emitter both share)
 *   server -> turn -> runtime, server -> protocol (Node side)
 *   inside server/src: api -> services (identity, recording, media ...) -> store
 *
 * Workspace packages are followed through their node_modules symlinks to packages/<name>/src.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const WORKSPACES = '^(packages/[^/]+|apps/[^/]+|server|turn)/';
/** Test code: may use devDependencies. */
const TEST_FILES =
  '(\\.test\\.tsx?$|/testSupport\\.ts$|/test/|^tests/|^bench/|s3rverProcess\\.mjs$)';

export default {
  forbidden: [
    {
      name: 'protocol-is-a-leaf',
      comment: 'packages/protocol is the wire contract: it imports no other workspace.',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: WORKSPACES, pathNot: '^packages/protocol/' },
    },
    {
      name: 'emitter-is-a-leaf',
      comment: 'packages/emitter (the typed emitter of the sdk and the detector) imports nothing.',
      severity: 'error',
      from: { path: '^packages/emitter/' },
      to: { path: WORKSPACES, pathNot: '^packages/emitter/' },
    },
    {
      name: 'sdk-imports-only-protocol',
      comment:
        'packages/sdk runs in browsers and Node: of the workspaces it uses only protocol (and emitter).',
      severity: 'error',
      from: { path: '^packages/sdk/' },
      to: { path: WORKSPACES, pathNot: '^packages/(sdk|protocol|emitter)/' },
    },
    {
      name: 'web-ui-imports-only-sdk-and-protocol',
      comment: 'packages/web-ui is shared browser UI: it builds on the sdk and protocol only.',
      severity: 'error',
      from: { path: '^packages/web-ui/' },
      to: { path: WORKSPACES, pathNot: '^packages/(web-ui|sdk|protocol)/' },
    },
    {
      name: 'detector-imports-only-protocol',
      comment:
        'packages/detector runs in camera pages and workers: of the workspaces it uses only protocol and emitter (its CLI in tools/ drives it from Node).',
      severity: 'error',
      from: { path: '^packages/detector/src/' },
      to: { path: WORKSPACES, pathNot: '^packages/(detector|protocol|emitter)/' },
    },
    {
      name: 'apps-stay-in-the-browser',
      comment: 'apps/* are browser bundles: never server, turn or runtime (Node) code.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^(server|turn|packages/runtime)/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment: 'What both apps need belongs in packages/web-ui.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'runtime-is-a-leaf',
      comment: 'packages/runtime (logging, events) is under every Node package: it imports none.',
      severity: 'error',
      from: { path: '^packages/runtime/' },
      to: { path: WORKSPACES, pathNot: '^packages/runtime/' },
    },
    {
      name: 'turn-does-not-import-server',
      comment: 'turn/ is used by the server, not the other way round; shared code is in runtime.',
      severity: 'error',
      from: { path: '^turn/' },
      to: { path: '^(server|apps|packages/(sdk|web-ui))/' },
    },
    {
      name: 'node-code-does-not-use-browser-packages',
      comment:
        'server/ and turn/ production code never imports the sdk, web-ui or apps (the sdk is a ' +
        "server devDependency for tests only; workspace links are local files, so 'npm-dev' misses it).",
      severity: 'error',
      from: { path: '^(server|turn)/src/', pathNot: TEST_FILES },
      to: { path: '^(packages/(sdk|web-ui)|apps)/' },
    },
    {
      name: 'server-src-is-private',
      comment:
        "Only the server's own code, tests and benches (server/, tests/, bench/) import server/src.",
      severity: 'error',
      from: { pathNot: '^(server|tests|bench)/' },
      to: { path: '^server/src/' },
    },
    {
      name: 'store-imports-only-util',
      comment: 'server/src/store is the bottom layer: no service, API or wiring module.',
      severity: 'error',
      from: { path: '^server/src/store/' },
      to: { path: '^server/src/', pathNot: '^server/src/(store|util)/' },
    },
    {
      name: 'modules-do-not-import-the-api',
      comment:
        'Services and wiring export ports; Server.ts (the composition root) assembles the ApiContext.',
      severity: 'error',
      from: { path: '^server/src/(recording|identity|media|signaling|turn)/' },
      to: { path: '^server/src/api/' },
    },
    {
      name: 'api-does-not-import-realtime',
      comment: 'REST handlers do not reach into signaling or the SFU.',
      severity: 'error',
      from: { path: '^server/src/api/' },
      to: { path: '^server/src/(signaling|media)/' },
    },
    {
      name: 'no-circular',
      comment:
        'Cycles make module init order and tests fragile; extract the shared part. Type-only ' +
        'cycles are erased at run time (zustand slices typing the combined store) and allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-dev-deps-in-production',
      comment: 'Production code must not need a devDependency (npm ci --omit=dev).',
      severity: 'error',
      from: {
        path: '^(packages/[^/]+/src|apps/[^/]+/src|server/src|turn/src)/',
        pathNot: TEST_FILES,
      },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not excluded (the dev-dependency rule needs those edges), only not followed.
    exclude: { path: '(^|/)(dist|test-results|playwright-report|\\.data)/' },
    // Type-only imports count: a type from the wrong layer is still a wrong dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Workspaces may use the root package.json's dependencies.
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
