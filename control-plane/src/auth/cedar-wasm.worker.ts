// Cedar for workerd: wrangler aliases `@cedar-policy/cedar-wasm/nodejs` here (control-plane/wrangler.toml),
// because the Node build loads its .wasm from disk. The web build is the same engine, instantiated
// synchronously from the module wrangler compiles at bundle time (the package does not export the .wasm path).
import { initSync } from '@cedar-policy/cedar-wasm/web';
// @ts-expect-error TypeScript reads the wasm-bindgen .d.ts beside the file (named exports); wrangler's CompiledWasm rule gives a default WebAssembly.Module.
import cedarWasm from '../../../node_modules/@cedar-policy/cedar-wasm/web/cedar_wasm_bg.wasm';

initSync({ module: cedarWasm });

export * from '@cedar-policy/cedar-wasm/web';
