// Cedar for workerd: wrangler aliases `@cedar-policy/cedar-wasm/nodejs` here (control-plane/wrangler.toml),
// because the Node build loads its .wasm from disk. The web build is the same engine, instantiated
// synchronously from the module wrangler compiles at bundle time. The package's exports map does not
// list the .wasm file, but wrangler's CompiledWasm rule resolves `*.wasm` imports by file path (without
// applying exports maps), so the specifier below finds it; worker-modules.d.ts types it.
import { initSync } from '@cedar-policy/cedar-wasm/web';
import cedarWasm from '@cedar-policy/cedar-wasm/web/cedar_wasm_bg.wasm';

initSync({ module: cedarWasm });

export * from '@cedar-policy/cedar-wasm/web';
