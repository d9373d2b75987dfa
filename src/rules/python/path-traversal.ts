import type { Node } from 'web-tree-sitter';
import { lookup } from '../../core/lookup';
import { OWASP, type Rule } from '../../core/rule';
import { isGuarded } from '../../core/guards';

/** Sinks and which argument is the path. */
const SINKS: Record<string, number> = {
  open: 0, 'builtins.open': 0, 'io.open': 0, 'codecs.open': 0, 'flask.send_file': 0, 'flask.helpers.send_file': 0,
  'flask.send_from_directory': 1, 'werkzeug.utils.send_from_directory': 1, 'django.http.FileResponse': 0, 'os.remove': 0, 'os.unlink': 0,
  'os.rmdir': 0, 'shutil.rmtree': 0, 'shutil.copy': 0, 'shutil.copyfile': 0, 'shutil.move': 0, 'os.rename': 0, 'pathlib.Path': 0,
  'os.listdir': 0, 'os.makedirs': 0, 'aiofiles.open': 0,
};
const CHECKS = /secure_filename|safe_join|os\.path\.(basename|realpath|abspath|commonpath)|\.resolve\(\)|is_relative_to|relative_to|startswith\(|ALLOWED|allowed_/;

const rule: Rule = {
  meta: {
    id: 'py-path-traversal',
    title: 'File path taken from the request',
    language: 'python',
    family: 'path',
    checklist: ['input-validation'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-22'],
    owasp: [OWASP.A01],
    message: 'A file path comes from the request: `../` can reach any file. Use secure_filename / safe_join and check the result stays in its folder.',
    docs: {
      whatItDoes: 'Finds `open`, `send_file`, `send_from_directory` (file name argument), `FileResponse`, `pathlib.Path`, and file removal/copy functions given a path built from request data, in functions that do not normalise and check it.',
      whyBad: 'A name like `../../etc/passwd` or `..%2f..%2fapp/settings.py` walks out of the intended folder: the server sends or overwrites files it should never touch, including its own secrets.',
      example: 'import os\nfrom flask import request, send_file\nname = request.args["file"]\nreturn send_file(os.path.join(UPLOADS, name))',
      useInstead: 'from werkzeug.utils import secure_filename\nreturn send_from_directory(UPLOADS, secure_filename(name))',
      references: ['https://cwe.mitre.org/data/definitions/22.html', 'https://owasp.org/www-community/attacks/Path_Traversal'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const m = sem.methodName(node);
        let arg: Node | undefined;
        if (name && lookup(SINKS, name) !== undefined) arg = sem.arg(node, lookup(SINKS, name)!, name.endsWith('send_from_directory') ? 'path' : undefined);
        else if ((m === 'read_text' || m === 'read_bytes' || m === 'write_text' || m === 'open') && /^pathlib\.Path\(\)/.test(sem.qualifiedName(sem.receiver(node)) ?? '')) arg = undefined;
        if (!arg) return;
        const inner = sem.dialect.unwrap(arg);
        if (inner.type === 'call' && SINKS[sem.calleeName(inner) ?? ''] !== undefined) return; // the inner sink reports
        const t = sem.taint(arg);
        if (!t) return;
        if (isGuarded(sem, node, CHECKS, t, arg)) return;
        ctx.report({ node: arg, source: t.source });
      },
    };
  },
  tests: {
    valid: [
      'from flask import request, send_from_directory\nfrom werkzeug.utils import secure_filename\ndef dl():\n    return send_from_directory("uploads", secure_filename(request.args["f"]))',
      'with open("config.json") as fh:\n    data = fh.read()',
      'import os\nfrom flask import request, send_file\ndef dl():\n    p = os.path.realpath(os.path.join(BASE, request.args["f"]))\n    if not p.startswith(BASE):\n        abort(400)\n    return send_file(p)',
      'def read(path):\n    return open(path).read()',
    ],
    invalid: [
      { code: 'import os\nfrom flask import request, send_file\ndef dl():\n    name = request.args["file"]\n    return send_file(os.path.join("uploads", name))', errors: [5], messages: [{ messageId: 'default' }] },
      { code: 'from flask import request\ndef show():\n    with open("/srv/data/" + request.args["doc"]) as fh:\n        return fh.read()', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from flask import send_from_directory, request\ndef get():\n    return send_from_directory("static", request.args["p"])', errors: [3], messages: [{ messageId: 'default' }] },
      { code: 'from django.http import FileResponse\ndef get(request, filename):\n    return FileResponse(open(f"/media/{filename}", "rb"))', errors: [3], messages: [{ messageId: 'default' }] },
    ],
  },
};

export default rule;
