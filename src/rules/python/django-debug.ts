import type { Node } from 'web-tree-sitter';
import { importerFor } from '../../core/importer';
import { OWASP, type Rule } from '../../core/rule';

/** A Django settings module: named so, or defining the settings Django needs. */
export function isDjangoSettings(file: string, source: string): boolean {
  const base = file.replace(/\\/g, '/');
  if (/(^|\/)(settings|settings_[\w]+|[\w]+_settings)\.py$/.test(base) || /\/settings\/[\w]+\.py$/.test(base)) return true;
  return /^INSTALLED_APPS\s*=/m.test(source) && /^(MIDDLEWARE|ROOT_URLCONF|DATABASES)\s*=/m.test(source);
}

/** Settings for local development or tests, where DEBUG = True is expected. */
export function isDevSettings(file: string): boolean {
  return /(^|[/_])(dev|development|local|test|tests|testing|ci)(_settings)?\.py$/.test(file.replace(/\\/g, '/'));
}

const rule: Rule = {
  meta: {
    id: 'py-django-debug',
    title: 'Django DEBUG = True in settings',
    language: 'python',
    family: 'config',
    checklist: ['error-handling'],
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-489', 'CWE-215'],
    owasp: [OWASP.A05],
    skipInTests: true,
    message: 'DEBUG = True shows settings, SQL and source code in error pages: read it from the environment (security.W018).',
    docs: {
      whatItDoes: 'Finds `DEBUG = True` in Django settings modules, except in settings meant for development or tests (`dev.py`, `local_settings.py`, `test_settings.py`).',
      whyBad: 'With DEBUG on, every error page lists settings, environment, SQL queries and source code, and Django keeps every query in memory. It is `manage.py check --deploy` warning security.W018.',
      example: 'DEBUG = True',
      useInstead: 'import os\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"',
      references: ['https://docs.djangoproject.com/en/stable/ref/settings/#debug', 'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/'],
    },
  },
  create(ctx) {
    // Visitors are the same for every file (the engine records them once); the file check is inside.
    let applies: boolean | undefined;
    return {
      assignment(node: Node) {
        applies ??= isDjangoSettings(ctx.file, ctx.source) && !isDevSettings(ctx.file);
        if (!applies || node.parent?.parent?.type !== 'module') return;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.text !== 'DEBUG' || right?.type !== 'true') return;
        const environ = importerFor(ctx.file, ctx.language, ctx.source, ctx.tree.rootNode, ctx.sem).use({ module: 'os', member: 'environ' }, node.startIndex);
        const fix = environ && {
          title: 'Read DEBUG from the DJANGO_DEBUG environment variable',
          safe: true,
          edits: [ctx.replace(right, `${environ.name}.get("DJANGO_DEBUG") == "1"`), ...environ.edits],
        };
        ctx.report({ node, fix });
      },
    };
  },
  tests: {
    valid: [
      { code: 'import os\nINSTALLED_APPS = []\nMIDDLEWARE = []\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"', filename: 'mysite/settings.py' },
      { code: 'DEBUG = True', filename: 'mysite/settings/dev.py' },
      { code: 'DEBUG = True', filename: 'app/config.py' },
      { code: 'DEBUG = True', filename: 'local_settings.py' },
    ],
    invalid: [
      { code: 'INSTALLED_APPS = []\nDEBUG = True', filename: 'mysite/settings.py', errors: [2], output: 'import os\nINSTALLED_APPS = []\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"' },
      { code: 'DEBUG = True\nINSTALLED_APPS = ["django.contrib.admin"]\nMIDDLEWARE = []', filename: 'config/base.py', errors: [1] },
      { code: 'import os\nDEBUG = True', filename: 'mysite/settings/production.py', errors: [2] },
      {
        code: '# -*- coding: utf-8 -*-\n"""Settings."""\nfrom os import environ as env\nDEBUG = True',
        filename: 'mysite/settings/production.py',
        errors: [4],
        output: '# -*- coding: utf-8 -*-\n"""Settings."""\nfrom os import environ as env\nDEBUG = env.get("DJANGO_DEBUG") == "1"',
      },
      { code: '#!/usr/bin/env python\n# coding: utf-8\nDEBUG = True', filename: 'settings.py', errors: [3], output: '#!/usr/bin/env python\n# coding: utf-8\nimport os\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"' },
    ],
  },
};

export default rule;
