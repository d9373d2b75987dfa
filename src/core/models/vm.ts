import { modelTable } from './types';

const sink = (fn: string, call: 'call' | 'new' = 'call') => ({
  kind: 'sink' as const,
  callee: `vm.${fn}`,
  args: [0],
  vulnClass: 'code-injection' as const,
  vulnerable: `const vm = require('vm');\napp.post('/e', (req, res) => res.send(${call === 'new' ? 'new ' : ''}vm.${fn}(req.body.code)));`,
  safe: `const vm = require('vm');\n${call === 'new' ? 'new ' : ''}vm.${fn}('1 + 1');`,
});

export default modelTable('vm', 'javascript', [
  sink('runInContext'),
  sink('runInNewContext'),
  sink('runInThisContext'),
  sink('Script', 'new'),
  sink('compileFunction'),
]);
