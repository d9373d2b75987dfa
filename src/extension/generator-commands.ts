/**
 * The commands that write files into the workspace (generators). Restricted Mode turns them off
 * and package.json hides them with `isWorkspaceTrusted`; kept free of `vscode` so a plain test
 * can hold the manifest to this list.
 */
export const GENERATOR_COMMANDS = ['sitewarden.addSecurityHeaders', 'sitewarden.addEncryptionHelper', 'sitewarden.addFingerprintCheck', 'sitewarden.createIncidentResponsePlan'] as const;

export const isGeneratorCommand = (command: string | undefined): boolean => !!command && (GENERATOR_COMMANDS as readonly string[]).includes(command);
