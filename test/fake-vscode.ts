/**
 * A small stand-in for the `vscode` module, so that plain mocha can run the extension's real
 * `activate` and its commands: what the tests look at (diagnostics, messages, commands,
 * configuration, the workspace folder) is recorded; the rest of the API answers with disposables.
 * Installed with `installFakeVscode()` before the extension is first required.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

export class Uri {
  private constructor(readonly scheme: string, readonly path: string, readonly query = '') {}
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(.*)$/i.exec(s);
    if (!m) return new Uri('file', s);
    const [rest, query = ''] = m[2].split('?');
    return new Uri(m[1], rest.replace(/^\/\/[^/]*/, ''), query);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(sl: number | Position, sc: number | Position, el?: number, ec?: number) {
    this.start = typeof sl === 'number' ? new Position(sl, sc as number) : sl;
    this.end = typeof sl === 'number' ? new Position(el!, ec!) : (sc as Position);
  }
}
class Diagnostic {
  source?: string;
  code?: unknown;
  relatedInformation?: unknown[];
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}
class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return disposable();
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}
class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly Source = new CodeActionKind('source');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(`${this.value}.${part}`);
  }
  contains(other: CodeActionKind): boolean {
    return other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
}
class TreeItem {
  description?: string;
  constructor(readonly label: string, readonly collapsibleState?: number) {}
}
class WorkspaceEdit {
  readonly operations: unknown[] = [];
  createFile(uri: Uri, opts: unknown, metadata?: unknown): void {
    this.operations.push({ createFile: uri, opts, metadata });
  }
  replace(uri: Uri, range: Range, text: string, metadata?: unknown): void {
    this.operations.push({ replace: uri, range, text, metadata });
  }
  insert(uri: Uri, pos: Position, text: string): void {
    this.operations.push({ insert: uri, pos, text });
  }
}

const disposable = () => ({ dispose: () => undefined });

/** What a test sets and reads back. */
export interface FakeHost {
  folder?: string;
  trusted: boolean;
  config: Record<string, unknown>;
  /** Diagnostics per collection name, then per URI string: the last `set` wins. */
  diagnostics: Map<string, Map<string, Diagnostic[]>>;
  messages: { kind: 'info' | 'warning' | 'error'; text: string }[];
  /** Answers to showInformationMessage/showWarningMessage/showQuickPick; undefined dismisses. */
  answer: (question: string, choices: string[]) => string | undefined;
  commands: Map<string, (...args: unknown[]) => unknown>;
  /** Whether workspace.applyEdit succeeds (false makes the generator runner write to disk itself). */
  applyEdits: boolean;
  /** Every edit handed to workspace.applyEdit, in order. */
  edits: WorkspaceEdit[];
  /** Where the save dialog points; undefined cancels it. */
  saveTo?: string;
  /** Changes a setting as the Settings editor does: onDidChangeConfiguration fires. */
  setConfig(key: string, value: unknown): void;
}

const configChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const host: FakeHost = {
  trusted: true,
  config: {},
  diagnostics: new Map(),
  messages: [],
  answer: () => undefined,
  commands: new Map(),
  applyEdits: false,
  edits: [],
  setConfig(key, value) {
    host.config[key] = value;
    configChanged.fire({ affectsConfiguration: (section) => key === section || key.startsWith(`${section}.`) });
  },
};

/** Back to an empty host: no folder, trusted, default settings, nothing recorded. */
export function resetHost(): void {
  host.folder = undefined;
  host.trusted = true;
  host.config = {};
  host.diagnostics.clear();
  host.messages.length = 0;
  host.answer = () => undefined;
  host.commands.clear();
  host.applyEdits = false;
  host.edits.length = 0;
  host.saveTo = undefined;
  configChanged.dispose();
}

function collection(name: string) {
  const byUri = new Map<string, Diagnostic[]>();
  host.diagnostics.set(name, byUri);
  return {
    name,
    set: (uri: Uri, list: Diagnostic[]) => void byUri.set(uri.toString(), list),
    delete: (uri: Uri) => void byUri.delete(uri.toString()),
    clear: () => byUri.clear(),
    get: (uri: Uri) => byUri.get(uri.toString()),
    dispose: () => undefined,
  };
}

function message(kind: 'info' | 'warning' | 'error') {
  return async (text: string, ...rest: unknown[]) => {
    host.messages.push({ kind, text });
    const choices = rest.filter((r): r is string => typeof r === 'string');
    return choices.length ? host.answer(text, choices) : undefined;
  };
}

function textDocument(uri: Uri) {
  const text = fs.readFileSync(uri.fsPath, 'utf8');
  const positionAt = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  };
  return { uri, getText: () => text, positionAt, isClosed: false, languageId: '' };
}

const noEvent = () => disposable();

export const fakeVscode = {
  Uri,
  Disposable: {
    from: (...ds: { dispose(): unknown }[]) => ({ dispose: () => ds.forEach((d) => d.dispose()) }),
  },
  Position,
  Range,
  Diagnostic,
  DiagnosticRelatedInformation: class {
    constructor(readonly location: unknown, readonly message: string) {}
  },
  Location: class {
    constructor(readonly uri: Uri, readonly range: Range) {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  EventEmitter,
  CodeActionKind,
  CodeAction: class {
    constructor(readonly title: string, readonly kind: CodeActionKind) {}
  },
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  MarkdownString: class {
    constructor(readonly value: string) {}
  },
  Hover: class {
    constructor(readonly contents: unknown) {}
  },
  CodeLens: class {
    constructor(readonly range: Range, readonly command?: unknown) {}
  },
  WorkspaceEdit,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ViewColumn: { Active: -1 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  window: {
    createOutputChannel: () => ({ appendLine: () => undefined, show: () => undefined, dispose: () => undefined }),
    createStatusBarItem: () => ({ text: '', visible: false, show(this: { visible: boolean }) { this.visible = true; }, hide(this: { visible: boolean }) { this.visible = false; }, dispose: () => undefined }),
    createTreeView: () => ({ message: undefined, dispose: () => undefined }),
    registerTreeDataProvider: disposable,
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    showQuickPick: async (items: string[], opts?: { placeHolder?: string }) => host.answer(opts?.placeHolder ?? '', items),
    showInputBox: async () => undefined,
    showSaveDialog: async () => (host.saveTo ? Uri.file(host.saveTo) : undefined),
    withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => task({ report: () => undefined }, { isCancellationRequested: false }),
    createWebviewPanel: () => ({ webview: { html: '', cspSource: '' }, dispose: () => undefined }),
  },
  languages: {
    createDiagnosticCollection: collection,
    registerCodeLensProvider: disposable,
    registerCodeActionsProvider: disposable,
    registerHoverProvider: disposable,
  },
  commands: {
    registerCommand: (id: string, f: (...args: unknown[]) => unknown) => {
      host.commands.set(id, f);
      return { dispose: () => void host.commands.delete(id) };
    },
    executeCommand: async (id: string, ...args: unknown[]) => host.commands.get(id)?.(...args),
  },
  env: { openExternal: async () => true },
  workspace: {
    get workspaceFolders() {
      return host.folder ? [{ uri: Uri.file(host.folder), name: path.basename(host.folder), index: 0 }] : undefined;
    },
    get isTrusted() {
      return host.trusted;
    },
    textDocuments: [] as unknown[],
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback?: T): T | undefined => (`${section}.${key}` in host.config ? (host.config[`${section}.${key}`] as T) : fallback),
      inspect: <T>(key: string) => ({ globalValue: host.config[`${section}.${key}`] as T | undefined }),
    }),
    getWorkspaceFolder: (uri: Uri) => (host.folder && uri.fsPath.startsWith(host.folder) ? { uri: Uri.file(host.folder) } : undefined),
    asRelativePath: (p: string) => (host.folder ? path.relative(host.folder, p) : p),
    registerTextDocumentContentProvider: disposable,
    createFileSystemWatcher: () => ({ onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
    onDidOpenTextDocument: noEvent,
    onDidChangeTextDocument: noEvent,
    onDidSaveTextDocument: noEvent,
    onDidCloseTextDocument: noEvent,
    onDidChangeConfiguration: configChanged.event,
    onDidGrantWorkspaceTrust: noEvent,
    openTextDocument: async (uri: Uri) => textDocument(uri),
    applyEdit: async (edit: WorkspaceEdit) => (host.edits.push(edit), host.applyEdits),
    saveAll: async () => true,
    fs: { writeFile: async (uri: Uri, data: Uint8Array) => fs.writeFileSync(uri.fsPath, data) },
  },
};

/** A context as VS Code hands it to `activate`. */
export function fakeContext(extensionRoot: string, workspaceState: Map<string, unknown> = new Map()) {
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionRoot),
    extension: { packageJSON: { version: '0.0.0-test' } },
    /** A Memento over the given map: pass the same map to a second activation to model a window reload. */
    workspaceState: { get: <T>(key: string) => workspaceState.get(key) as T | undefined, update: async (key: string, value: unknown) => void workspaceState.set(key, JSON.parse(JSON.stringify(value))) },
  };
}

let installed = false;

/** Makes `require('vscode')` return the fake, for every module loaded after this. */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const id = path.join(__dirname, '__fake_vscode__.js');
  const m = new Module(id);
  m.filename = id;
  m.loaded = true;
  m.exports = fakeVscode;
  (require.cache as Record<string, NodeModule>)[id] = m;
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? id : resolve.call(this, request, ...rest);
  };
}
