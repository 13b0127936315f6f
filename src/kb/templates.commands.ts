import { Command, Option } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { appDeps } from '../main.js';
import { invalid } from '../platform/errors.js';
import { cliActor, collect, parseVars, readTextArg } from '../workflow/cli-helpers.js';
import { renderTemplateForCase } from '../workflow/render-for-case.js';
import {
  createReplyTemplate,
  deleteReplyTemplate,
  getReplyTemplate,
  listReplyTemplates,
  templateLocales,
  updateReplyTemplate,
} from './templates.service.js';
import type { TemplateLocale } from './workflow.tables.js';

type Opts = { dataDir?: string; json?: boolean; locale: TemplateLocale; as?: string };

const localeOption = () =>
  new Option('--locale <locale>', 'language').choices(templateLocales).default('zh-CN');

/** `casedesk template list|show|create|update|delete|render`. */
export function templateCommand(): Command {
  const command = new Command('template').description('Reply templates (zh-CN and en) and their variables');
  command.addCommand(
    withDatabaseFlags(
      new Command('list')
        .description('List reply templates')
        .addOption(new Option('--locale <locale>', 'only this language').choices(templateLocales))
        .option('--json', 'print JSON'),
    ).action(
      action(async (opts: Omit<Opts, 'locale'> & { locale?: TemplateLocale }) => {
        await withRuntime(opts, async (runtime) => {
          const items = await listReplyTemplates(
            appDeps(runtime),
            opts.locale ? { locale: opts.locale } : {},
          );
          if (opts.json) return printJson(items);
          for (const t of items) {
            process.stdout.write(
              `${t.key.padEnd(22)} ${t.locale.padEnd(6)} ${t.builtIn ? 'built-in' : 'custom  '}  ${t.name}\n`,
            );
          }
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('show')
        .description('Show a template')
        .argument('<key>', 'e.g. scope_agreement')
        .addOption(localeOption())
        .option('--json', 'print JSON'),
    ).action(
      action(async (key: string, opts: Opts) => {
        await withRuntime(opts, async (runtime) => {
          const t = await getReplyTemplate(appDeps(runtime), key, opts.locale);
          if (opts.json) return printJson(t);
          process.stdout.write(
            `${t.key} (${t.locale}) — ${t.name}\nstage: ${t.stage || '-'}\nvariables: ${t.variables.join(', ')}\n\n${t.body}`,
          );
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('create')
        .description('Add a template (the CLI operator acts as admin)')
        .argument('<key>', 'lower-case letters, digits and _')
        .addOption(localeOption())
        .requiredOption('--name <name>', 'display name')
        .option('--stage <stage>', 'stage word for the mail subject')
        .requiredOption('--body-file <file>', 'the template text, UTF-8 ("-" for stdin)')
        .option('--as <engineer>', 'recorded as the editor')
        .option('--json', 'print JSON'),
    ).action(
      action(async (key: string, opts: Opts & { name: string; stage?: string; bodyFile: string }) => {
        const body = await readTextArg(opts.bodyFile);
        await withRuntime(opts, async (runtime) => {
          const deps = appDeps(runtime);
          const editor = opts.as ? await cliActor(deps.db, opts.as) : null;
          const t = await createReplyTemplate(deps, editor?.id ?? null, {
            key,
            locale: opts.locale,
            name: opts.name,
            body,
            ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
          });
          if (opts.json) return printJson(t);
          process.stdout.write(`created ${t.key} (${t.locale}); variables: ${t.variables.join(', ')}\n`);
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('update')
        .description('Change a template, built-in ones too')
        .argument('<key>', 'e.g. closure_summary')
        .addOption(localeOption())
        .option('--name <name>', 'display name')
        .option('--stage <stage>', 'stage word for the mail subject')
        .option('--body-file <file>', 'the new text, UTF-8 ("-" for stdin)')
        .option('--as <engineer>', 'recorded as the editor')
        .option('--json', 'print JSON'),
    ).action(
      action(async (key: string, opts: Opts & { name?: string; stage?: string; bodyFile?: string }) => {
        if (opts.name === undefined && opts.stage === undefined && opts.bodyFile === undefined) {
          throw invalid('template.nothing_to_change', 'Give --name, --stage or --body-file');
        }
        const body = opts.bodyFile ? await readTextArg(opts.bodyFile) : undefined;
        await withRuntime(opts, async (runtime) => {
          const deps = appDeps(runtime);
          const editor = opts.as ? await cliActor(deps.db, opts.as) : null;
          const t = await updateReplyTemplate(deps, editor?.id ?? null, key, opts.locale, {
            ...(opts.name !== undefined ? { name: opts.name } : {}),
            ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
            ...(body !== undefined ? { body } : {}),
          });
          if (opts.json) return printJson(t);
          process.stdout.write(`updated ${t.key} (${t.locale})\n`);
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('delete')
        .description('Remove a template an admin added (built-in ones cannot be removed)')
        .argument('<key>')
        .addOption(localeOption()),
    ).action(
      action(async (key: string, opts: Opts) => {
        await withRuntime(opts, async (runtime) => {
          await deleteReplyTemplate(appDeps(runtime), key, opts.locale);
          process.stdout.write(`deleted ${key} (${opts.locale})\n`);
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('render')
        .description('Render a template with a case and values; lists what is missing')
        .argument('<key>', 'e.g. log_collection')
        .addOption(localeOption())
        .option('--case <caseNumber>', 'fill values from this case')
        .option('--var <name=value>', 'a value (repeatable; \\n for a new line)', collect)
        .option('--as <engineer>', 'the engineer writing; default the case owner')
        .option('--open-upload-workspace', 'open an upload workspace for --case and fill in its credentials')
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (
          key: string,
          opts: Opts & { case?: string; var?: string[]; openUploadWorkspace?: boolean },
        ) => {
          const variables = parseVars(opts.var);
          await withRuntime(opts, async (runtime) => {
            const deps = appDeps(runtime);
            const actor = opts.as || opts.case ? await cliActor(deps.db, opts.as, opts.case) : null;
            const rendered = await renderTemplateForCase(
              { ...deps, trackingPrefix: runtime.config.trackingPrefix, uploads: deps },
              actor ?? { type: 'system', id: null, name: 'casedesk' },
              {
                key,
                locale: opts.locale,
                variables,
                openUploadWorkspace: opts.openUploadWorkspace === true,
                ...(opts.case ? { caseNumber: opts.case } : {}),
              },
            );
            if (opts.json) return printJson(rendered);
            process.stdout.write(rendered.text.endsWith('\n') ? rendered.text : `${rendered.text}\n`);
            if (rendered.missing.length > 0) {
              process.stderr.write(
                `missing: ${rendered.missing.join(', ')} (give them with --var NAME=VALUE)\n`,
              );
            }
          });
        },
      ),
    ),
  );
  return command;
}
