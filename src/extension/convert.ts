import * as vscode from 'vscode';
import type { Finding } from '../core/types';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
};

export function toRange(f: Finding): vscode.Range {
  return new vscode.Range(f.range.start.line, f.range.start.column, f.range.end.line, f.range.end.column);
}

/** A finding as a Problems-panel entry: source, code linking the docs, related locations. */
export function toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f), f.message, SEVERITY[f.severity]);
  d.source = 'SiteWarden';
  d.code = { value: f.ruleId, target: vscode.Uri.parse(f.docsUrl) };
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(r.file ? vscode.Uri.file(r.file) : uri, new vscode.Range(r.range.start.line, r.range.start.column, r.range.end.line, r.range.end.column)), r.message));
  }
  return d;
}
