// Injected by esbuild into the CJS bundles (see build.mjs).
export const __sw_import_meta_url = require('url').pathToFileURL(__filename).href;
