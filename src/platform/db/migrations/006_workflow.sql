-- Case workflow: scope agreements, reply templates (with the built-in ones), closures, case links.

-- The scope agreed with the customer at the start of a case; one per case, edited in place
-- (each change is also recorded on the timeline).
create table case_scopes (
  case_id uuid primary key references cases(id) on delete cascade,
  problem_definition text not null,
  scope text not null,
  -- When the case may close: any of solved, by_design, third_party.
  closure_conditions text[] not null
    check (cardinality(closure_conditions) > 0
      and closure_conditions <@ array['solved', 'by_design', 'third_party']::text[]),
  cadence_business_days integer check (cadence_business_days between 1 and 30),
  contact_channels text[] not null
    check (cardinality(contact_channels) > 0 and contact_channels <@ array['email', 'phone']::text[]),
  hotline text,
  locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
  -- The mail that sent the agreement to the customer, once sent.
  sent_activity_id uuid references activities(id) on delete set null,
  sent_at timestamptz,
  updated_by uuid references engineers(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null
);

-- Reply templates, one row per key and language. Built-in rows may be edited but not deleted.
create table reply_templates (
  id uuid primary key default gen_random_uuid(),
  key text not null check (key ~ '^[a-z][a-z0-9_]{1,63}$'),
  locale text not null check (locale in ('zh-CN', 'en')),
  name text not null,
  -- Stage word for the subject line of a mail sent from this template (may be empty).
  stage text not null default '',
  body text not null,
  built_in boolean not null default false,
  updated_by uuid references engineers(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (key, locale)
);

-- Every closure of a case (a reopened case may be closed again); the latest row is the current one.
create table case_closures (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  reason text not null check (reason in ('solved', 'by_design', 'third_party', 'no_response', 'duplicate')),
  -- The customer's inbound mail that agreed to closing; null only for no_response and duplicate.
  consent_activity_id uuid references activities(id),
  no_consent boolean not null default false,
  summary text not null default '',
  summary_activity_id uuid references activities(id) on delete set null,
  closed_by uuid references engineers(id),
  closed_at timestamptz not null,
  reopened_at timestamptz,
  reopened_by uuid references engineers(id),
  reopen_reason text,
  check (consent_activity_id is not null or (no_consent and reason in ('no_response', 'duplicate'))),
  check (not (no_consent and consent_activity_id is not null))
);
create index case_closures_case on case_closures(case_id, closed_at desc);

-- Links between cases: from the parent to a split-off child, from a merged case to its survivor,
-- from a closed case to the case that follows it up. (Named case_relations because migration 003
-- already has a case_links table of inbound mail's own.)
create table case_relations (
  from_case uuid not null references cases(id) on delete cascade,
  to_case uuid not null references cases(id) on delete cascade,
  kind text not null check (kind in ('split', 'merged', 'follow_up')),
  created_at timestamptz not null default now(),
  created_by uuid references engineers(id),
  primary key (from_case, to_case, kind),
  check (from_case <> to_case)
);
create index case_relations_to on case_relations(to_case);
create index cases_merged_into on cases(merged_into) where merged_into is not null;

-- Built-in templates. Variables are {{name}}; a {{#name}}…{{/name}} block appears only when `name` is set.
insert into reply_templates (key, locale, name, stage, body, built_in) values
('scope_agreement', 'zh-CN', '范围确认（初次响应）', '初次响应', $tpl${{customerName}}，您好：

感谢您联系技术支持。根据刚才的沟通，现将本案例的处理范围整理如下，作为双方后续合作的依据。

案例号：{{caseNumber}}

【问题定义】
{{problemDefinition}}

【支持范围】
{{scope}}

【结案条件】
出现以下情况之一时，我们会在征得您同意后关闭本案例：{{closureConditions}}。
如排查中发现多个相互独立的问题，我们会为其另开案例，分别跟进。

【跟进方式】
{{#cadenceBusinessDays}}问题解决之前，我会每 {{cadenceBusinessDays}} 个工作日与您联系一次，同步处理进展。
{{/cadenceBusinessDays}}联系渠道：{{contactChannels}}{{#hotline}}；如需及时处理，也可随时拨打支持热线 {{hotline}}{{/hotline}}。

若您对上述范围有不同意见，请直接回复本邮件告诉我们。

{{engineerName}}
$tpl$, true),
('scope_agreement', 'en', 'Scope agreement (first response)', 'First response', $tpl$Dear {{customerName}},

Thank you for contacting support. Following our conversation, here is the scope of this case as we
understand it; we will work from it together.

Case number: {{caseNumber}}

Problem definition
{{problemDefinition}}

Scope
{{scope}}

When the case closes
We will close this case, with your agreement, once one of these applies: {{closureConditions}}.
If we find several unrelated problems along the way, we will open a separate case for each.

Follow-up
{{#cadenceBusinessDays}}Until the problem is resolved I will contact you every {{cadenceBusinessDays}} business day(s) with an update.
{{/cadenceBusinessDays}}Contact: {{contactChannels}}{{#hotline}}; for anything urgent you can also call our hotline, {{hotline}}{{/hotline}}.

If you see the scope differently, just reply to this mail and tell us.

{{engineerName}}
$tpl$, true),
('log_collection', 'zh-CN', '日志收集请求', '日志收集', $tpl${{customerName}}，您好：

为进一步定位案例 {{caseNumber}} 的问题，需要请您在出现问题的计算机上收集一份诊断日志：
1. 下载本邮件附件中的日志收集工具，解压到本地磁盘后，以管理员身份运行。
2. 按界面提示开始收集；完成后，工具会在桌面生成一个压缩包。
3. 打开 {{uploadUrl}} ，用以下账号登录，并上传该压缩包：
   用户名：{{uploadUser}}
   密码：{{uploadPassword}}

上传完成后回复本邮件即可，我们收到日志后会尽快分析并回复您。

{{engineerName}}
$tpl$, true),
('log_collection', 'en', 'Log collection request', 'Log collection', $tpl$Dear {{customerName}},

To narrow down the problem in case {{caseNumber}}, please collect diagnostic logs on an affected computer:
1. Download the log collector attached to this mail, unpack it to a local disk and run it as administrator.
2. Start the collection as prompted; when it finishes, an archive appears on the desktop.
3. Go to {{uploadUrl}}, sign in with the account below and upload that archive:
   User name: {{uploadUser}}
   Password: {{uploadPassword}}

Reply to this mail once the upload is done; we will analyse the logs as soon as they arrive.

{{engineerName}}
$tpl$, true),
('follow_up_no_answer', 'zh-CN', '跟进：电话未接通', '跟进', $tpl${{customerName}}，您好：

今天致电未能接通，因此通过邮件跟进案例 {{caseNumber}}（{{title}}）的进展。
请问日志收集或此前建议的操作是否已有结果？方便时请回复本邮件{{#hotline}}，或拨打 {{hotline}} 与我们联系{{/hotline}}。

如仍需要我们的协助，我们随时在线。

{{engineerName}}
$tpl$, true),
('follow_up_no_answer', 'en', 'Follow-up: could not reach you by phone', 'Follow-up', $tpl$Dear {{customerName}},

We tried to call you today but could not get through, so we are following up on case {{caseNumber}} ({{title}}) by mail.
Have the log collection or the steps we suggested earlier produced a result? Please reply to this mail when convenient{{#hotline}}, or call us on {{hotline}}{{/hotline}}.

We are here whenever you need further help.

{{engineerName}}
$tpl$, true),
('remediation_steps', 'zh-CN', '处理步骤', '问题处理', $tpl${{customerName}}，您好：

我们已分析了案例 {{caseNumber}} 的相关信息，建议按以下步骤处理：

{{remediationSteps}}
{{#kbLinks}}
参考资料：
{{kbLinks}}
{{/kbLinks}}
操作前请备份重要数据。完成后请告诉我们结果；如仍有报错，请截图或重新收集日志发给我们。

{{engineerName}}
$tpl$, true),
('remediation_steps', 'en', 'Remediation steps', 'Remediation', $tpl$Dear {{customerName}},

We have analysed the information for case {{caseNumber}} and suggest the following steps:

{{remediationSteps}}
{{#kbLinks}}
References:
{{kbLinks}}
{{/kbLinks}}
Please back up important data first. Let us know how it went; if errors remain, send us a screenshot or a fresh set of logs.

{{engineerName}}
$tpl$, true),
('closure_summary', 'zh-CN', '结案总结', '结案', $tpl${{customerName}}，您好：

根据双方确认，本案例将以“{{closureReason}}”关闭。处理情况总结如下，供您存档：

案例号：{{caseNumber}}

问题描述：
{{problemDescription}}

原因分析：
{{rootCause}}

处理结果：
{{fix}}

今后如遇到相关问题，欢迎随时与我们联系；{{reopenDays}} 天内直接回复本邮件，本案例会重新打开继续处理。

{{engineerName}}
$tpl$, true),
('closure_summary', 'en', 'Closure summary', 'Closure', $tpl$Dear {{customerName}},

As agreed, this case is being closed ({{closureReason}}). Here is a summary for your records:

Case number: {{caseNumber}}

Problem
{{problemDescription}}

Root cause
{{rootCause}}

Resolution
{{fix}}

If anything related comes up, contact us at any time; a reply to this mail within {{reopenDays}} days reopens this case.

{{engineerName}}
$tpl$, true);
