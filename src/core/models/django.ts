import { modelTable } from './types';

/** Attributes of a Django `HttpRequest` (and DRF `Request`) that carry what the client sent. */
const ATTRIBUTES = ['GET', 'POST', 'body', 'COOKIES', 'META', 'FILES', 'query_params', 'path_info', 'get_full_path()', 'read()', 'REQUEST', 'data'];

export default modelTable('django', 'python', ATTRIBUTES.map((a) => ({
  kind: 'source' as const,
  property: a.replace('()', ''),
  vulnClass: 'command-injection' as const,
  vulnerable: `import os\ndef view(request):\n    os.system("echo " + str(request.${a}))`,
})));
