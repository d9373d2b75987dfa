import { modelTable } from './types';

/** Properties of an Express request that carry what the client sent (methods are called: `req.get('Referer')`). */
const PROPERTIES = ['query', 'body', 'params', 'cookies', 'signedCookies', 'headers', 'hostname', 'path', 'url', 'originalUrl', 'baseUrl', 'files', 'file', 'rawHeaders', 'subdomains'];
const METHODS = ['get', 'header', 'param'];

export default modelTable('express', 'javascript', [
  ...PROPERTIES.map((p) => ({
    kind: 'source' as const,
    property: p,
    vulnClass: 'command-injection' as const,
    vulnerable: `const { exec } = require('child_process');\napp.post('/x', (req, res) => exec('cat ' + req.${p}));`,
  })),
  ...METHODS.map((p) => ({
    kind: 'source' as const,
    property: p,
    vulnClass: 'command-injection' as const,
    vulnerable: `const { exec } = require('child_process');\napp.post('/x', (req, res) => exec('cat ' + req.${p}('name')));`,
  })),
]);
