import { modelTable } from './types';

const run = (expr: string) => `async def handle(request):\n    return open("/srv/files/" + str(${expr}))`;

/** aiohttp: the handler's `request` (a web.Request); its readers are awaited (`await request.post()`). */
export const aiohttpModels = modelTable('aiohttp', 'python', [
  'query', 'match_info', 'headers', 'cookies', 'rel_url', 'url', 'path', 'path_qs', 'query_string', 'raw_path', 'content', 'host',
  'post()', 'json()', 'text()', 'read()', 'multipart()',
].map((a) => ({
  kind: 'source' as const,
  property: a.replace('()', ''),
  vulnClass: 'path-traversal' as const,
  vulnerable: run(a.endsWith('()') ? `await request.${a}` : `request.${a}`),
})));

/** Django REST framework: `Request.data` and `Request.query_params` in API views and viewsets. */
export const drfModels = modelTable('djangorestframework', 'python', ['data', 'query_params'].map((a) => ({
  kind: 'source' as const,
  property: a,
  vulnClass: 'path-traversal' as const,
  vulnerable: `from rest_framework.views import APIView\nclass V(APIView):\n    def post(self, request):\n        return open("/srv/files/" + str(request.${a}["x"]))`,
})));

/** FastAPI: the parameters of a route function are the path, query, body, header and cookie values. */
export const fastapiModels = modelTable('fastapi', 'python', [{
  kind: 'source',
  parameter: 'route-params',
  vulnClass: 'path-traversal',
  vulnerable: 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/files/{name}")\ndef read(name: str, size: int = 0):\n    return open("/srv/files/" + name).read()',
  safe: 'from fastapi import FastAPI, Depends\napp = FastAPI()\ndef settings():\n    return "default.txt"\n@app.get("/files")\ndef read(name: str = Depends(settings)):\n    return open("/srv/files/" + name).read()',
}]);

/** http.server: a BaseHTTPRequestHandler subclass reads the request from `self`. */
export const httpServerModels = modelTable('http.server', 'python', ['path', 'headers', 'rfile', 'requestline', 'raw_requestline'].map((a) => ({
  kind: 'source' as const,
  property: a,
  object: 'handler-self' as const,
  vulnerable: `from http.server import BaseHTTPRequestHandler\nclass H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        open("/srv/files/" + str(self.${a}))`,
  safe: `class Job:\n    def run(self):\n        open("/srv/files/" + str(self.${a}))`,
  vulnClass: 'path-traversal' as const,
})));
