import { modelTable } from './types';

/** Attributes of `flask.request` (a Werkzeug request) that carry what the client sent; called ones end in `()`. */
const ATTRIBUTES = [
  'args', 'form', 'values', 'json', 'data', 'files', 'cookies', 'headers', 'get_json()', 'get_data()', 'view_args',
  'url', 'base_url', 'full_path', 'path', 'query_string', 'environ', 'host', 'referrer', 'stream', 'user_agent',
  'host_url', 'url_root', 'authorization',
];

export default modelTable('flask', 'python', [
  ...ATTRIBUTES.map((a) => ({
    kind: 'source' as const,
    property: a.replace('()', ''),
    vulnClass: 'path-traversal' as const,
    vulnerable: `from flask import request\nopen("/srv/files/" + str(request.${a}))`,
  })),
  {
    kind: 'sanitiser', callee: 'werkzeug.utils.secure_filename', vulnClass: 'path-traversal',
    vulnerable: 'from flask import request, send_file\n@app.route("/f")\ndef f():\n    return send_file("/data/" + request.args["name"])',
    safe: 'from flask import request, send_file\nfrom werkzeug.utils import secure_filename\n@app.route("/f")\ndef f():\n    return send_file("/data/" + secure_filename(request.args["name"]))',
  },
]);
