import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule } from '../../core/rule';

const rule: Rule = {
  meta: {
    id: 'py-archive-extraction',
    title: 'Archive extracted without checking member paths',
    language: 'python',
    family: 'path',
    checklist: ['input-validation'],
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-22'],
    owasp: [OWASP.A01],
    bandit: ['B202'],
    message: 'Archive members can contain ../ or absolute paths: use extractall(filter="data") or check each member.',
    docs: {
      whatItDoes: 'Finds `tarfile` `extractall` / `extract` without `filter="data"` (or a members list), and `shutil.unpack_archive` on tar archives, in functions that do not check member names.',
      whyBad: 'A tar member named `../../home/app/.ssh/authorized_keys` or a symlink is written wherever it points ("zip slip"): uploaded archives overwrite code or keys.',
      example: 'with tarfile.open(upload) as tar:\n    tar.extractall("/srv/import")',
      useInstead: 'with tarfile.open(upload) as tar:\n    tar.extractall("/srv/import", filter="data")   # Python 3.12+, backported to 3.8+',
      references: ['https://cwe.mitre.org/data/definitions/22.html', 'https://docs.python.org/3/library/tarfile.html#extraction-filters'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const m = sem.methodName(node);
        const name = sem.calleeName(node) ?? '';
        const recvQ = sem.qualifiedName(sem.receiver(node)) ?? '';
        const isTar = /^tarfile\.(open|TarFile)/.test(recvQ) || /tar/i.test(sem.receiver(node)?.text ?? '');
        if ((m === 'extractall' || m === 'extract') && isTar) {
          const a = sem.args(node);
          if (a.keywords.has('filter') || a.keywords.has('members') || a.hasSplat) return;
          if (/\.getmembers\(\)|\.name\b[^\n]{0,200}?(startswith|\.\.|isabs)|os\.path\.(abspath|realpath|commonpath)/.test((sem.enclosingFunction(node) ?? ctx.tree.rootNode).text)) return;
          ctx.report({ node, fix: m === 'extractall' ? { title: 'Use the "data" extraction filter', safe: false, edits: [ctx.insertAt(node.childForFieldName('arguments')!.endIndex - 1, `${a.positional.length ? ', ' : ''}filter="data"`)] } : undefined });
          return;
        }
        if (name === 'shutil.unpack_archive' && !sem.args(node).keywords.has('filter')) ctx.report({ node });
      },
    };
  },
  tests: {
    valid: [
      'import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(dest, filter="data")',
      'import zipfile\nzipfile.ZipFile(p).namelist()',
      'import tarfile\ndef safe(tar, dest):\n    for m in tar.getmembers():\n        if m.name.startswith("/") or ".." in m.name:\n            raise ValueError(m.name)\n    tar.extractall(dest)',
      '# tar.extractall() is risky\ns = "extractall"',
    ],
    invalid: [
      { code: 'import tarfile\nwith tarfile.open(upload) as tar:\n    tar.extractall("/srv/import")', errors: [3], output: 'import tarfile\nwith tarfile.open(upload) as tar:\n    tar.extractall("/srv/import", filter="data")' },
      { code: 'import tarfile\narchive = tarfile.open(path)\narchive.extract(member, dest)', errors: [3] },
      { code: 'import shutil\nshutil.unpack_archive(upload, "/tmp/x")', errors: [2] },
    ],
  },
};

export default rule;
