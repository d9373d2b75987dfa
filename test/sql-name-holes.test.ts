import * as assert from 'node:assert/strict';
import { holesAreNames } from '../src/rules/shared/sql-holes';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages } from '../src/core/parser';
import { allRules } from '../src/rules';

describe('SQL holes: column lists are names too (shared by the JS and Python SQL rules)', () => {
  it('the column list right after INSERT INTO <table> ( is a name position', () => {
    assert.equal(holesAreNames(['INSERT INTO ', null, ' (', null, ') SELECT ', null, ' FROM ', null]), true);
    assert.equal(holesAreNames(['INSERT INTO audit (', null, ') VALUES (%s, %s)']), true);
    assert.equal(holesAreNames(['INSERT INTO `', null, '` (', null, ') VALUES (?)']), true);
  });
  it('a VALUES list, a column list not closed by ) and a select list without FROM stay value positions', () => {
    assert.equal(holesAreNames(['INSERT INTO t (a) VALUES (', null, ')']), false);
    assert.equal(holesAreNames(['INSERT INTO t (', null, ', b) VALUES (1, 2)']), false);
    assert.equal(holesAreNames(['SELECT ', null]), false);
    assert.equal(holesAreNames(['SELECT ', null, ' FROM t WHERE id = ', null]), false);
  });
  it('a whole SELECT list before FROM is a name position', () => {
    assert.equal(holesAreNames(['SELECT ', null, ' FROM ', null]), true);
    assert.equal(holesAreNames(['select distinct ', null, ' from t']), true);
  });
});

describe('py-sql-injection: SQL whose holes are only names is not reported unless request data fills one', () => {
  const analyzer = new Analyzer(allRules.filter((r) => r.meta.id === 'py-sql-injection'));
  before(() => ensureLanguages(['python']));
  const scan = async (code: string) => analyzer.analyzeSync('m.py', code, 'python').findings.map((f) => f.range.start.line + 1);
  it('a migration copying a table through %, .format, an f-string and + is quiet', async () => {
    const code = [
      'def migrate(cursor, new, old, cols, schema):',
      '    cursor.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (new, cols, cols, old))',
      '    cursor.execute("DROP TABLE {}.{}".format(schema, old))',
      '    cursor.execute(f"ALTER TABLE {new} RENAME TO {old}")',
      '    cursor.execute("CREATE TABLE " + new + " AS SELECT * FROM " + old)',
      '',
    ].join('\n');
    assert.deepEqual(await scan(code), []);
  });
  it('the same shapes with a value hole, or request data in a name hole, are reported', async () => {
    const code = [
      'from flask import request',
      'def migrate(cursor, new, old, cols, since):',
      '    cursor.execute("INSERT INTO %s (%s) SELECT %s FROM %s WHERE ts > %s" % (new, cols, cols, old, since))',
      '    cursor.execute("DELETE FROM {} WHERE id = {}".format(new, since))',
      '    cursor.execute("DROP TABLE " + request.args["t"])',
      '',
    ].join('\n');
    assert.deepEqual(await scan(code), [3, 4, 5]);
  });
});
