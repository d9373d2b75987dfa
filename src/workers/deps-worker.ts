/**
 * Worker-thread entry for the dependency check, used by the extension. VS Code's extension host
 * patches Node's http/https agents for its proxy support, and npm-registry-fetch's own agent
 * breaks under that patch ("Cannot set headers after they are sent"): every npm request failed
 * in a real VS Code. A worker has its own, unpatched modules; .npmrc and HTTPS_PROXY settings are
 * still honoured by npm-registry-fetch itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkDependencies, type CheckOptions } from '../deps/check';

const { roots, options } = workerData as { roots: string[]; options: CheckOptions };
checkDependencies(roots, options).then(
  (report) => parentPort!.postMessage({ report }),
  (e: unknown) => parentPort!.postMessage({ error: (e as Error)?.stack ?? String(e) }),
);
