import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { ruleDocsUri } from './rule-docs';

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
  const target = ruleDocsUri(f.ruleId);
  d.code = target ? { value: f.ruleId, target } : f.ruleId;
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Range(r.range.start.line, r.range.start.column, r.range.end.line, r.range.end.column)), r.message));
  }
  return d;
}
