import childProcess from './child_process';
import django from './django';
import ecmascript from './ecmascript';
import express from './express';
import flask from './flask';
import { aiohttpModels, drfModels, fastapiModels, httpServerModels } from './py-frameworks';
import { deserialiserModels, evaluatorModels, expressFileModels, fsModels, headlessModels, nosqlModels, pgPromiseModels, typeormBuilderModels } from './js-sinks';
import { fastifyModels, fileUploadModels, graphqlModels, koaModels, nestModels } from './js-frameworks';
import python from './python';
import sqlJs from './sql-js';
import { djangoSqlModels, mysqlConnectorModels, pandasModels, psycopg2Models, pymysqlModels, sqlalchemyModels, sqlite3Models } from './sql-py';
import { redirectPyModels, sameSiteUrlModels } from './redirect-py';
import { djangoResponseModels, expressResponseModels, flaskResponseModels } from './responses';
import { asyncioModels, commandsModels, osModels, subprocessModels } from './subprocess';
import type { ModelKind, ModelLanguage, ModelRow, VulnClass } from './types';
import vm from './vm';

export * from './types';

/** Every modelled row, grouped by library. Add a library: write its table, list it here. */
export const MODELS: readonly ModelRow[] = Object.freeze([
  ...express, ...childProcess, ...vm, ...ecmascript, ...sqlJs,
  ...flask, ...django, ...python, ...subprocessModels, ...osModels, ...asyncioModels, ...commandsModels,
  ...sqlite3Models, ...psycopg2Models, ...pymysqlModels, ...mysqlConnectorModels, ...sqlalchemyModels, ...djangoSqlModels, ...pandasModels,
  ...redirectPyModels,
  ...sameSiteUrlModels,
  ...fsModels, ...expressFileModels, ...pgPromiseModels, ...typeormBuilderModels, ...evaluatorModels, ...deserialiserModels, ...headlessModels, ...nosqlModels,
  ...koaModels, ...fastifyModels, ...nestModels, ...graphqlModels, ...fileUploadModels,
  ...aiohttpModels, ...drfModels, ...fastapiModels, ...httpServerModels,
  ...expressResponseModels, ...djangoResponseModels, ...flaskResponseModels,
]);

export function modelRows(language: ModelLanguage, kind: ModelKind, vulnClass?: VulnClass, library?: string): ModelRow[] {
  return MODELS.filter((r) => r.language === language && r.kind === kind && (!vulnClass || r.vulnClass === vulnClass) && (!library || r.library === library));
}

/** Sink rows by qualified callee, for the rules' first, cheap test on every call. */
export function sinksByCallee(language: ModelLanguage, vulnClass: VulnClass): ReadonlyMap<string, ModelRow> {
  return new Map(modelRows(language, 'sink', vulnClass).filter((r) => r.callee).map((r) => [r.callee!, r]));
}

/** Method names of sink rows (`execute`, `query`). */
export function sinkMethods(language: ModelLanguage, vulnClass: VulnClass): ReadonlySet<string> {
  return new Set(modelRows(language, 'sink', vulnClass).filter((r) => r.method).map((r) => r.method!));
}

/** Source properties of the given frameworks' request objects. */
export function sourceProperties(language: ModelLanguage, libraries?: readonly string[], object?: ModelRow['object']): ReadonlySet<string> {
  return new Set(modelRows(language, 'source').filter((r) => r.property && r.object === object && (!libraries || libraries.includes(r.library))).map((r) => r.property!));
}

/** Decorators that mark a handler parameter as request data (NestJS `@Body()`, `@Query()`, …). */
export function sourceDecorators(language: ModelLanguage): ReadonlySet<string> {
  return new Set(modelRows(language, 'source').filter((r) => r.decorator).map((r) => r.decorator!));
}

/** Qualified names of modelled sanitisers, both languages (names do not collide). */
export const SANITISER_CALLEES: ReadonlySet<string> = new Set(MODELS.filter((r) => r.kind === 'sanitiser' && r.callee && !r.context).map((r) => r.callee!));

/** Calls whose result is a safe response body (`response-body` sanitisers): qualified callees, and methods. */
export function responseBodySanitisers(language: ModelLanguage): { callees: ReadonlySet<string>; methods: ReadonlySet<string> } {
  const rows = modelRows(language, 'sanitiser', 'reflected-xss').filter((r) => r.context === 'response-body');
  return { callees: new Set(rows.filter((r) => r.callee).map((r) => r.callee!)), methods: new Set(rows.filter((r) => r.method).map((r) => r.method!)) };
}

/** Methods of modelled propagators per language: a result built only of constants stays constant. */
export function propagatorMethods(language: ModelLanguage): ReadonlySet<string> {
  return new Set(modelRows(language, 'propagator').filter((r) => r.method).map((r) => r.method!));
}
