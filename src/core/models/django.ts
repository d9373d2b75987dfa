import { modelTable } from './types';

/** Attributes of a Django `HttpRequest` (and DRF `Request`) that carry what the client sent. */
const ATTRIBUTES = ['GET', 'POST', 'body', 'COOKIES', 'META', 'FILES', 'query_params', 'path_info', 'get_full_path()', 'read()', 'REQUEST', 'data'];

export default modelTable('django', 'python', ATTRIBUTES.map((a) => ({
  kind: 'source' as const,
  property: a.replace('()', ''),
  vulnClass: 'path-traversal' as const,
  vulnerable: `def view(request):\n    return open("/srv/files/" + str(request.${a}))`,
})));
