import { modelTable } from './types';

/**
 * Response bodies and what makes them HTML. Express `send`/`write`/`end` are HTML sinks for text
 * bodies only (`context: 'text-body'`); JSON responses (`res.json`, `jsonify`, `JsonResponse`) are
 * not sinks at all. Autoescaped template renders and JSON encoders are safe *as a body*
 * (`response-body` sanitisers) while their output still reaches other sinks as request data.
 */
export const expressResponseModels = modelTable('express', 'javascript', ['send', 'write', 'end'].map((m) => ({
  kind: 'sink' as const,
  method: m,
  args: [0],
  vulnClass: 'reflected-xss' as const,
  context: 'text-body' as const,
  vulnerable: `app.get('/h', (req, res) => {\n  const html = '<p>' + req.query.q + '</p>';\n  return res.${m}(html); });`,
  safe: `app.get('/h', async (req, res) => {\n  const doc = await Post.findOne({ slug: req.query.q });\n  res.${m === 'send' ? 'send(doc)' : `type('text/plain');\n  res.${m}('you sent ' + req.query.q)`};\n});`,
})));

const djangoBody = (callee: string, setup: string, call: string) => ({
  kind: 'sanitiser' as const,
  callee,
  vulnClass: 'reflected-xss' as const,
  context: 'response-body' as const,
  vulnerable: 'from django.http import HttpResponse\ndef v(request):\n    return HttpResponse("<p>" + request.GET["q"] + "</p>")',
  safe: `from django.http import HttpResponse\n${setup}\ndef v(request):\n    html = ${call}\n    return HttpResponse(html)`,
});

export const djangoResponseModels = modelTable('django', 'python', [
  djangoBody('django.template.loader.render_to_string', 'from django.template.loader import render_to_string', 'render_to_string("r.html", {"q": request.GET["q"]})'),
  djangoBody('django.shortcuts.render_to_string', 'from django.shortcuts import render_to_string', 'render_to_string("r.html", {"q": request.GET["q"]})'),
  djangoBody('django.template.loader.get_template().render', 'from django.template import loader', 'loader.get_template("r.html").render({"q": request.GET["q"]}, request)'),
  djangoBody('django.template.loader.select_template().render', 'from django.template import loader', 'loader.select_template(["r.html"]).render({"q": request.GET["q"]}, request)'),
  djangoBody('django.template.Template().render', 'from django.template import Template, Context', 'Template("<p>{{ q }}</p>").render(Context({"q": request.GET["q"]}))'),
  djangoBody('json.dumps', 'import json', 'json.dumps({"q": request.GET["q"]})'),
]);

export const flaskResponseModels = modelTable('flask', 'python', [
  ...['flask.jsonify', 'flask.render_template', 'flask.json.dumps'].map((callee) => ({
    kind: 'sanitiser' as const,
    callee,
    vulnClass: 'reflected-xss' as const,
    context: 'response-body' as const,
    vulnerable: 'from flask import Flask, make_response, request\napp = Flask(__name__)\n@app.route("/h")\ndef h():\n    return make_response("<p>" + request.args["q"] + "</p>")',
    safe: `import flask\nfrom flask import Flask, make_response, request\napp = Flask(__name__)\n@app.route("/h")\ndef h():\n    body = ${callee}(${callee.endsWith('render_template') ? '"h.html", ' : ''}q=request.args["q"])\n    return make_response(body)`,
  })),
]);
