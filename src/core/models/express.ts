import { modelTable } from './types';

/** Properties of an Express request that carry what the client sent (methods are called: `req.get('Referer')`). */
const PROPERTIES = ['query', 'body', 'params', 'cookies', 'signedCookies', 'headers', 'hostname', 'path', 'url', 'originalUrl', 'baseUrl', 'files', 'file', 'rawHeaders', 'subdomains'];
const METHODS = ['get', 'header', 'param'];

export default modelTable('express', 'javascript', [
  ...PROPERTIES.map((p) => ({
    kind: 'source' as const,
    property: p,
    vulnClass: 'path-traversal' as const,
    vulnerable: `const fs = require('fs');\napp.post('/x', (req, res) => fs.readFileSync('/srv/' + req.${p}));`,
  })),
  ...METHODS.map((p) => ({
    kind: 'source' as const,
    property: p,
    vulnClass: 'path-traversal' as const,
    vulnerable: `const fs = require('fs');\napp.post('/x', (req, res) => fs.readFileSync('/srv/' + req.${p}('name')));`,
  })),
]);
