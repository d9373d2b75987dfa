// A fix is computed for every finding. The import helper used to walk the whole tree (every
// identifier, every top-level statement) once per finding, so a file holding many findings cost
// time quadratic in its length: a Flask app repeated to 256 KiB took 13 s of CPU, one near the
// 1 MiB cap would have held a CI job for minutes. The work is counted here, not timed.
import * as assert from 'node:assert/strict';
import { Analyzer } from '../src/core/engine';
import { ensureLanguages, parseSync } from '../src/core/parser';
import { allRules } from '../src/rules';

const APP = `import hashlib
from flask import Flask, request

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    password = request.form["password"]
    return hashlib.md5(password.encode()).hexdigest()


if __name__ == "__main__":
    app.run(debug=True)
`;

describe('fix computation does work per file, not per finding', function () {
  this.timeout(300_000);

  it('the tree is walked for identifiers and statements a fixed number of times, however many findings', async () => {
    await ensureLanguages(['python']);
    const proto = Object.getPrototypeOf(parseSync('python', 'x = 1').rootNode) as { descendantsOfType: (...a: unknown[]) => unknown };
    const original = proto.descendantsOfType;
    let walks = 0;
    proto.descendantsOfType = function (this: unknown, ...a: unknown[]) {
      walks++;
      return original.apply(this, a);
    };
    try {
      const analyzer = new Analyzer(allRules.filter((r) => r.meta.language === 'python'));
      const count = (copies: number) => {
        walks = 0;
        const a = analyzer.analyzeSync('app.py', APP.repeat(copies), 'python');
        const fixes = a.findings.filter((f) => f.fix).length;
        a.tree.delete();
        return { walks, fixes };
      };
      const small = count(10);
      const large = count(40);
      assert.ok(large.fixes >= 4 * small.fixes && small.fixes >= 10, `fixes: ${small.fixes} → ${large.fixes}`);
      assert.equal(large.walks, small.walks, `whole-tree walks: ${small.walks} for 10 copies, ${large.walks} for 40`);
    } finally {
      proto.descendantsOfType = original;
    }
  });
});
