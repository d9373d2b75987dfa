import * as vscode from 'vscode';
import { relatedWithFlow } from '../core/finding';
import type { Finding, Range } from '../core/types';
import { ruleDocsUri } from './rule-docs';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
};

export function toRange(f: Finding): vscode.Range {
  return vsRange(f.range);
}

function vsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

/** A finding as a Problems-panel entry: source, code linking the docs, related locations. */
export function toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f), f.message, SEVERITY[f.severity]);
  d.source = 'SiteWarden';
  const target = ruleDocsUri(f.ruleId);
  d.code = target ? { value: f.ruleId, target } : f.ruleId;
  // The data-flow path first, one entry per hop in order, then the rule's other related locations.
  const related = relatedWithFlow(f);
  if (related.length) {
    d.relatedInformation = related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(r.file !== undefined ? vscode.Uri.file(r.file) : uri, vsRange(r.range)), r.message));
  }
  return d;
}
