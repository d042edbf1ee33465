// Module kinds wrangler bundles for control-plane/src/worker.ts (see control-plane/wrangler.toml [[rules]]).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.cedar' {
  const text: string;
  export default text;
}
declare module '*.cedarschema' {
  const text: string;
  export default text;
}
// The bindings of the Worker a `*.workerd.test.ts` runs in (control-plane/vitest.workerd.config.ts):
// typed as unknown here, because the control plane is checked against Node's types, not workerd's.
declare module 'cloudflare:workers' {
  export const env: Readonly<Record<string, unknown>>;
}
