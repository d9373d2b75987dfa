import { modelTable } from './types';

/** Python's own evaluators, text methods and standard-library sanitisers. */
export default modelTable('python', 'python', [
  ...['eval', 'exec', 'builtins.eval', 'builtins.exec'].map((callee) => ({
    kind: 'sink' as const,
    callee,
    args: [0],
    vulnClass: 'code-injection' as const,
    vulnerable: `${callee.startsWith('builtins') ? 'import builtins\n' : ''}def calc(expr):\n    return ${callee}("1 + " + expr)`,
    safe: `${callee.startsWith('builtins') ? 'import builtins\n' : ''}${callee}("1 + 1")`,
  })),
  // Importing a module the client names runs its top-level code: a sink only for request data.
  ...['importlib.import_module', '__import__'].map((callee) => ({
    kind: 'sink' as const,
    callee,
    args: [0],
    vulnClass: 'code-injection' as const,
    vulnerable: `import importlib\ndef view(request):\n    ${callee}(request.GET["m"])`,
    safe: `import importlib\ndef load(name):\n    ${callee}("plugins." + name)`,
  })),
  ...['format', 'join', 'replace', 'upper', 'lower', 'strip'].map((m) => ({
    kind: 'propagator' as const,
    method: m,
    vulnClass: 'command-injection' as const,
    vulnerable: `import os\nfrom flask import request\nos.system("ls {}".${m}(request.args["d"]))`,
    safe: `import os\nD = "/tmp"\nos.system("ls {}".${m}(D))`,
  })),
  {
    kind: 'sanitiser', callee: 'shlex.quote', vulnClass: 'open-redirect',
    vulnerable: 'from flask import request, redirect\n@app.route("/r")\ndef r():\n    return redirect(request.args["u"])',
    safe: 'import shlex\nfrom flask import request, redirect\n@app.route("/r")\ndef r():\n    return redirect(shlex.quote(request.args["u"]))',
  },
  {
    kind: 'sanitiser', callee: 'os.path.basename', vulnClass: 'path-traversal',
    vulnerable: 'import os\nfrom flask import request, send_file\n@app.route("/f")\ndef f():\n    return send_file(os.path.join("/data", request.args["n"]))',
    safe: 'import os\nfrom flask import request, send_file\n@app.route("/f")\ndef f():\n    return send_file(os.path.join("/data", os.path.basename(request.args["n"])))',
  },
  {
    kind: 'sanitiser', callee: 'html.escape', vulnClass: 'reflected-xss',
    vulnerable: 'from flask import request\n@app.route("/h")\ndef h():\n    return "<p>" + request.args["q"] + "</p>"',
    safe: 'import html\nfrom flask import request\n@app.route("/h")\ndef h():\n    return "<p>" + html.escape(request.args["q"]) + "</p>"',
  },
]);
