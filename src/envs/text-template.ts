/**
 * Fills `{name}` placeholders of a phrasing from a parameter map. Used for task phrasings kept
 * as data; unknown placeholders are an error so that a typo in a data file is caught by tests.
 */
export function renderTemplate(template: string, parameters: Record<string, unknown>): string {
  return template.replace(/\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (_match, key: string) => {
    if (!(key in parameters)) throw new Error(`template placeholder {${key}} has no value in: ${template}`);
    return String(parameters[key]);
  });
}
