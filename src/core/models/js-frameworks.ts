import { modelTable } from './types';

const fsr = "const fs = require('fs');\n";

/** Koa: the context's request (`ctx.request.body`) and the shortcuts the context delegates (`ctx.query`). */
export const koaModels = modelTable('koa', 'javascript', [
  ...['body', 'query', 'querystring', 'headers', 'files', 'url', 'path', 'href', 'search'].map((p) => ({
    kind: 'source' as const,
    property: p,
    object: 'context.request' as const,
    vulnClass: 'path-traversal' as const,
    vulnerable: `${fsr}router.post('/x', async (ctx) => { ctx.body = fs.readFileSync('/srv/' + ctx.request.${p}); });`,
  })),
  // The context delegates these to its request; `params` comes from @koa/router.
  ...['query', 'params', 'headers'].map((p) => ({
    kind: 'source' as const,
    property: p,
    vulnClass: 'path-traversal' as const,
    vulnerable: `${fsr}app.use(async (ctx, next) => { ctx.body = fs.readFileSync('/srv/' + ctx.${p}.name); });`,
  })),
]);

/** Fastify: the first parameter of a route handler is the request. */
export const fastifyModels = modelTable('fastify', 'javascript', ['body', 'query', 'params', 'headers', 'url', 'hostname'].map((p) => ({
  kind: 'source' as const,
  property: p,
  vulnClass: 'path-traversal' as const,
  vulnerable: `${fsr}fastify.post('/x', async (request, reply) => fs.readFileSync('/srv/' + request.${p}));`,
})));

/** NestJS: controller parameters decorated as request data. */
export const nestModels = modelTable('@nestjs/common', 'javascript', ['Body', 'Query', 'Param', 'Headers'].map((d) => ({
  kind: 'source' as const,
  decorator: d,
  vulnClass: 'path-traversal' as const,
  vulnerable: `import { Controller, Get, ${d} } from '@nestjs/common';\nimport * as fs from 'fs';\n@Controller('x')\nexport class X { @Get() read(@${d}('name') name: string) { return fs.readFileSync('/srv/files/' + name); } }`,
  safe: `import * as fs from 'fs';\nexport class X { read(name: string) { return fs.readFileSync('/srv/files/' + name); } }`,
})));

/** GraphQL: the `args` of a resolver in a resolver map (Query/Mutation/Subscription) or a `resolve` field. */
export const graphqlModels = modelTable('graphql', 'javascript', [
  {
    kind: 'source', parameter: 'resolver-args', vulnClass: 'path-traversal',
    vulnerable: "const fs = require('fs');\nconst resolvers = { Query: { file: (parent, args, ctx) => fs.readFileSync('/srv/files/' + args.name, 'utf8') } };",
    safe: "const fs = require('fs');\nconst helpers = { tools: { file: (parent, args, ctx) => fs.readFileSync('/srv/files/' + args.name, 'utf8') } };",
  },
  {
    kind: 'source', parameter: 'resolver-args', vulnClass: 'sql-injection',
    vulnerable: "const UserType = new GraphQLObjectType({ name: 'U', fields: {\n  user: { type: U, resolve: (_, { id }) => db.query(`SELECT * FROM u WHERE id = ${id}`) } } });",
  },
]);

/** express-fileupload: `req.files.<field>.name` is the client's file name; `mv` writes where it is told. */
export const fileUploadModels = modelTable('express-fileupload', 'javascript', [
  {
    kind: 'source', property: 'files', vulnClass: 'path-traversal',
    vulnerable: "const fs = require('fs');\napp.post('/up', (req, res) => fs.writeFileSync('/srv/up/' + req.files.doc.name, req.files.doc.data));",
  },
  {
    kind: 'sink', method: 'mv', args: [0], vulnClass: 'path-traversal',
    vulnerable: "app.post('/up', (req, res) => req.files.doc.mv('/srv/up/' + req.files.doc.name));",
    safe: "const path = require('path');\napp.post('/up', (req, res) => req.files.doc.mv('/srv/up/' + path.basename(req.files.doc.name)));",
  },
]);

/**
 * Upload middleware fills these in on the server: multer's `req.file.path` / `destination` /
 * `filename` (a random name on its own disk), express-fileupload's `tempFilePath`, and sizes.
 * The client's own name (`originalname`, `name`) and the content stay request data.
 */
export const SERVER_CHOSEN_UPLOAD_PROPERTIES: ReadonlySet<string> = new Set(['path', 'destination', 'filename', 'tempFilePath', 'size', 'truncated', 'md5']);
