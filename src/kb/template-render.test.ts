import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTemplate, missingVariables, renderTemplate, renderTemplateStrict } from './template-render.js';

describe('reply template rendering', () => {
  it('fills variables and inserts values as written (plain text, no HTML escaping)', () => {
    const r = renderTemplate('{{customerName}}，您好：案例 {{caseNumber}} <{{kbLinks}}>', {
      customerName: '徐先生 & 吴先生',
      caseNumber: 'CAS-04814-C9T9D0',
      kbLinks: 'https://support.example.com/kb/5005112?a=1&b=2',
    });
    expect(r.missing).toEqual([]);
    expect(r.text).toBe(
      '徐先生 & 吴先生，您好：案例 CAS-04814-C9T9D0 <https://support.example.com/kb/5005112?a=1&b=2>',
    );
  });

  it('lists missing variables once each, in order, and leaves them visible in a preview', () => {
    const r = renderTemplate('{{uploadUser}} / {{uploadPassword}} at {{uploadUrl}} ({{uploadUser}})', {
      uploadUrl: 'https://upload.example.com',
    });
    expect(r.missing).toEqual(['uploadUser', 'uploadPassword']);
    expect(r.text).toBe('{{uploadUser}} / {{uploadPassword}} at https://upload.example.com ({{uploadUser}})');
  });

  it('refuses to render for sending while a value is missing, naming each', () => {
    expect(() => renderTemplateStrict('Hi {{customerName}}, {{caseNumber}}', { customerName: '' })).toThrow(
      /needs values for: customerName, caseNumber/,
    );
  });

  it('shows a block only when its variable has a value, and then requires what is inside', () => {
    const body =
      'A{{#hotline}} call {{hotline}} or {{engineerEmail}}{{/hotline}}{{^hotline}} mail us{{/hotline}}';
    expect(renderTemplate(body, {})).toEqual({ text: 'A mail us', missing: [] });
    expect(missingVariables(body, { hotline: '400-818-0055' })).toEqual(['engineerEmail']);
    expect(renderTemplate(body, { hotline: '400-818-0055', engineerEmail: 'li@example.com' }).text).toBe(
      'A call 400-818-0055 or li@example.com',
    );
  });

  it('rejects unknown variables, partials and delimiter changes when a template is saved', () => {
    expect(() => checkTemplate('Dear {{custmerName}} {{caseNumber}}')).toThrow(
      /Unknown template variable: \{\{custmerName\}\}/,
    );
    expect(() => checkTemplate('{{> header}}')).toThrow(/partials/);
    expect(() => checkTemplate('{{=<% %>=}}')).toThrow(/delimiters/);
    expect(() => checkTemplate('{{#hotline}} unclosed')).toThrow(/does not parse/);
    expect(checkTemplate('{{caseNumber}} {{#kbLinks}}{{kbLinks}}{{/kbLinks}}').variables).toEqual([
      'caseNumber',
      'kbLinks',
    ]);
  });

  it('never alters a value, whatever characters it holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, value) => {
        const safePrefix = prefix.replace(/[{}]/g, '');
        const r = renderTemplate(`${safePrefix}{{title}}`, { title: value });
        if (value === '') return r.missing.length === 1;
        return r.text === `${safePrefix}${value}` && r.missing.length === 0;
      }),
    );
  });
});
