import Mustache from 'mustache';
import { invalid } from '../platform/errors.js';
import { isTemplateVariable, type TemplateValues, type TemplateVariable } from './template-variables.js';

/**
 * Reply templates use Mustache (the `mustache` package, logic-less): `{{name}}` inserts a value and
 * `{{#name}}…{{/name}}` keeps a block only when `name` has a value (`{{^name}}…{{/name}}` only when it
 * has none). Mail bodies are plain text, so values are inserted as written, never HTML-escaped.
 * Partials and delimiter changes are refused: templates are edited by admins and read by customers.
 */

type Spans = ReturnType<typeof Mustache.parse>;

export type TemplateCheck = { variables: TemplateVariable[] };

/** Parses a template body and checks every tag; throws `template.invalid` naming the problem. */
export function checkTemplate(body: string): TemplateCheck {
  let spans: Spans;
  try {
    spans = Mustache.parse(body);
  } catch (err) {
    throw invalid('template.invalid', `The template does not parse: ${(err as Error).message}`);
  }
  const seen = new Set<TemplateVariable>();
  const unknown = new Set<string>();
  const walk = (list: Spans) => {
    for (const span of list) {
      const [type, name] = span;
      if (type === 'text' || type === '!') continue;
      if (type === '>' || type === '=') {
        throw invalid('template.invalid', `Templates may not use {{${type}…}} tags (partials, delimiters)`);
      }
      if (isTemplateVariable(name)) seen.add(name);
      else unknown.add(name);
      if (type === '#' || type === '^') walk((span[4] ?? []) as Spans);
    }
  };
  walk(spans);
  if (unknown.size > 0) {
    const names = [...unknown];
    throw invalid(
      'template.unknown_variables',
      `Unknown template variable${names.length > 1 ? 's' : ''}: ${names.map((n) => `{{${n}}}`).join(', ')}`,
      { unknown: names },
    );
  }
  return { variables: [...seen] };
}

const given = (values: TemplateValues, name: string): boolean => {
  const v = isTemplateVariable(name) ? values[name] : undefined;
  return v !== undefined && v !== '';
};

/**
 * Variables the rendering needs but has no value for: those outside any block, and those inside
 * a block that will be shown. In template order, each once.
 */
export function missingVariables(body: string, values: TemplateValues): TemplateVariable[] {
  const missing: TemplateVariable[] = [];
  const walk = (list: Spans) => {
    for (const span of list) {
      const [type, name] = span;
      if ((type === 'name' || type === '&') && !given(values, name) && isTemplateVariable(name)) {
        if (!missing.includes(name)) missing.push(name);
      } else if (type === '#' && given(values, name)) walk((span[4] ?? []) as Spans);
      else if (type === '^' && !given(values, name)) walk((span[4] ?? []) as Spans);
    }
  };
  walk(Mustache.parse(body));
  return missing;
}

export type RenderedTemplate = { text: string; missing: TemplateVariable[] };

/**
 * Renders a checked template. Missing variables are listed and, so a preview shows where they go,
 * left in the text as `{{name}}`.
 *
 * @example
 * renderTemplate('Case {{caseNumber}} for {{customerName}}', { caseNumber: 'CAS-04814-C9T9D0' })
 * // { text: 'Case CAS-04814-C9T9D0 for {{customerName}}', missing: ['customerName'] }
 */
export function renderTemplate(body: string, values: TemplateValues): RenderedTemplate {
  checkTemplate(body);
  const missing = missingVariables(body, values);
  const view: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') view[k] = v;
  for (const name of missing) view[name] = `{{${name}}}`;
  const text = Mustache.render(body, view, {}, { escape: (value: unknown) => String(value) });
  return { text, missing };
}

/** Renders for sending: throws `template.missing_variables` listing every missing value. */
export function renderTemplateStrict(body: string, values: TemplateValues): string {
  const { text, missing } = renderTemplate(body, values);
  if (missing.length > 0) {
    throw invalid('template.missing_variables', `The template needs values for: ${missing.join(', ')}`, {
      missing,
    });
  }
  return text;
}
