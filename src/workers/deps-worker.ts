/**
 * Worker-thread entry for the dependency check, used by the extension. VS Code's extension host
 * patches Node's http/https agents for its proxy support (this patch once broke every npm request
 * of the former npm-registry-fetch client); a worker has its own, unpatched modules, and keeps the
 * check's JSON parsing off the extension host thread. Proxies come from the options' env and the
 * user's ~/.npmrc (src/deps/http-client.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkDependencies, type CheckOptions } from '../deps/check';

const { roots, options } = workerData as { roots: string[]; options: CheckOptions };
checkDependencies(roots, options).then(
  (report) => parentPort!.postMessage({ report }),
  (e: unknown) => parentPort!.postMessage({ error: (e as Error)?.stack ?? String(e) }),
);
