import { getCaseDetail } from '../cases/cases.service.js';
import type { Actor } from '../cases/timeline.repo.js';
import { renderTemplate } from '../kb/template-render.js';
import type { TemplateValues, TemplateVariable } from '../kb/template-variables.js';
import { getReplyTemplate } from '../kb/templates.service.js';
import type { TemplateLocale } from '../kb/workflow.tables.js';
import { openWorkspace, type UploadDeps, uploadTemplateFields } from '../uploads/workspaces.service.js';
import { caseTemplateValues, mergeValues } from './case-values.js';
import { findScope } from './scope.repo.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';

export type RenderedReply = {
  key: string;
  locale: TemplateLocale;
  stage: string;
  text: string;
  /** Variables with no value; they stay in the text as `{{name}}`. */
  missing: TemplateVariable[];
  values: TemplateValues;
};

/**
 * Renders a reply template, with a case's values when a case is given and the caller's values laid
 * over them. Never sends; a preview for the engineer to edit.
 */
export async function renderTemplateForCase(
  deps: Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'> & { uploads?: UploadDeps },
  actor: Actor,
  input: {
    key: string;
    locale: TemplateLocale;
    caseNumber?: string;
    variables?: TemplateValues;
    /** Open a new upload workspace for the case, so its link, user and one-time password fill the text. */
    openUploadWorkspace?: boolean;
  },
): Promise<RenderedReply> {
  const template = await getReplyTemplate(deps, input.key, input.locale);
  let base: TemplateValues = {};
  if (input.caseNumber) {
    const detail = await getCaseDetail(deps, input.caseNumber);
    const scope = await findScope(deps.db, detail.id);
    const engineer = await actorEngineer(deps.db, actor);
    base = caseTemplateValues({ detail, scope, engineer, locale: input.locale });
    if (deps.uploads) {
      // The case's upload site: a workspace opened now gives its password (shown only this once);
      // otherwise the latest active workspace gives link and user name.
      const opened = input.openUploadWorkspace
        ? await openWorkspace(deps.uploads, actor, input.caseNumber)
        : undefined;
      const upload = await uploadTemplateFields(deps.uploads, input.caseNumber, opened);
      if (upload) {
        base = mergeValues(base, {
          uploadUrl: upload.uploadUrl,
          uploadUser: upload.uploadUser,
          ...(upload.uploadPassword ? { uploadPassword: upload.uploadPassword } : {}),
        });
      }
    }
  } else if (actor.type === 'engineer') {
    base = { engineerName: actor.name };
  }
  const values = mergeValues(base, input.variables);
  const { text, missing } = renderTemplate(template.body, values);
  return { key: template.key, locale: template.locale, stage: template.stage, text, missing, values };
}
