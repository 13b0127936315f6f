import { describeErrorCode, formatErrorCode, messageFromSymbol, parseErrorCode } from './error-codes.js';
import { dedupeFacts, errorCodeFact, extractFacts, type Fact, hashFact, pathFact } from './facts.js';
import type { CompiledPattern, CompiledRule } from './rule-schema.js';
import { derive, renderTemplate, type TemplateVars } from './templates.js';
import type { Finding, LogKind } from './triage.types.js';

export type ScanOptions = {
  /** Display name of the log, copied into each finding. */
  file: string;
  kind: LogKind;
  rules: readonly CompiledRule[];
  /** Distinct findings kept per file; later ones are only counted. */
  maxFindings?: number;
};

type PatternRef = { rule: number; pattern: number };

const MAX_EXCERPT_LINE = 400;
const MAX_MORE_LINES = 20;
// A "line" longer than this without a newline is processed anyway, so memory stays bounded.
const MAX_PENDING = 8 * 1024 * 1024;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/**
 * Streams one log's text through the rules. Instead of running every regex on every line, one
 * alternation of all rules' trigger literals finds candidate lines; only their patterns run there.
 * Push text in any chunking (`push`), then call `end()` for the findings.
 */
export class LogScanner {
  readonly lines = { count: 0 };
  dropped = 0;
  private pending = '';
  private firstLineNo = 1;
  private prevLine = '';
  private regionFrom = 0;
  private readonly rules: readonly CompiledRule[];
  private readonly triggerRe: RegExp | null;
  private readonly byTrigger = new Map<string, PatternRef[]>();
  private readonly keepLines: number;
  private readonly findings = new Map<string, Finding>();
  private readonly maxFindings: number;
  // Names the log itself prints ("[HRESULT = 0x800f0820 - CBS_E_CANCEL]") for codes not in the table.
  private readonly learnedNames = new Map<string, string>();
  // Raw match → finding key, so a repeat costs one map lookup instead of rendering templates.
  private readonly seenRaw = new Map<string, string | null>();

  get kind(): LogKind {
    return this.opts.kind;
  }

  constructor(private readonly opts: ScanOptions) {
    this.rules = opts.rules.filter((r) => r.logKinds.includes(opts.kind));
    this.maxFindings = opts.maxFindings ?? 1000;
    const literals = new Map<string, PatternRef[]>();
    let lookahead = 0;
    this.rules.forEach((rule, ri) => {
      rule.patterns.forEach((p, pi) => {
        lookahead = Math.max(lookahead, p.lookahead ?? 0);
        for (const t of p.triggers) literals.set(t, [...(literals.get(t) ?? []), { rule: ri, pattern: pi }]);
      });
    });
    // A trigger that contains another also fires the shorter one's patterns (the alternation
    // reports one literal per position).
    for (const [lit] of literals) {
      const refs: PatternRef[] = [];
      for (const [other, otherRefs] of literals) if (lit.includes(other)) refs.push(...otherRefs);
      this.byTrigger.set(lit, refs);
    }
    const sorted = [...literals.keys()].sort((a, b) => b.length - a.length);
    this.triggerRe = sorted.length ? new RegExp(sorted.map(escapeRe).join('|'), 'g') : null;
    this.keepLines = lookahead + 1;
  }

  push(text: string): void {
    if (text.length === 0) return;
    let from = 0;
    if (this.pending.length > 0) {
      // Lines started in the previous chunk are scanned in a small joint string, so the big
      // chunk itself is never concatenated (V8 searches a concatenated string ~10x slower).
      const nl = text.indexOf('\n');
      let end = nl;
      for (let k = 0; k < this.keepLines && end !== -1; k++) end = text.indexOf('\n', end + 1);
      if (end === -1) {
        this.pending += text;
        if (this.pending.length > MAX_PENDING) this.flushPending();
        return;
      }
      const joint = this.pending + text.slice(0, end + 1);
      this.scanRange(joint, 0, this.pending.length + nl + 1, false);
      this.pending = '';
      from = nl + 1;
    }
    const cut = this.cutPoint(text, from);
    if (cut <= from) {
      this.pending = text.slice(from);
      if (this.pending.length > MAX_PENDING) this.flushPending();
      return;
    }
    this.scanRange(text, from, cut, false);
    this.pending = text.slice(cut);
  }

  end(): Finding[] {
    this.scanRange(this.pending, 0, this.pending.length, true);
    this.pending = '';
    return [...this.findings.values()];
  }

  /** A single line longer than MAX_PENDING is scanned as it is, so memory stays bounded. */
  private flushPending(): void {
    const buf = this.pending;
    const cut = Math.max(this.cutPoint(buf, 0), buf.lastIndexOf('\n') + 1) || buf.length;
    this.scanRange(buf, 0, cut, false);
    this.pending = buf.slice(cut);
  }

  /** Start of the last line that still has `keepLines` complete lines (for lookahead) after it. */
  private cutPoint(buf: string, from: number): number {
    const last = buf.lastIndexOf('\n');
    if (last < from) return from;
    let cut = last + 1;
    for (let k = 0; k < this.keepLines && cut > from; k++) cut = buf.lastIndexOf('\n', cut - 2) + 1;
    return Math.max(cut, from);
  }

  /** Scans the lines starting in [from, cut) of buf; `final` counts a trailing partial line. */
  private scanRange(buf: string, from: number, cut: number, final: boolean): void {
    this.regionFrom = from;
    let lineNo = this.firstLineNo;
    // countPos is the start of line `lineNo`; newlines are counted once, as matches move forward.
    let countPos = from;
    let currentStart = -1;
    let currentEnd = from - 1;
    let candidates: PatternRef[] = [];
    const flush = () => {
      if (currentStart >= 0) this.evaluate(buf, currentStart, lineNo, candidates);
    };
    const re = this.triggerRe;
    if (re) {
      re.lastIndex = from;
      for (let m = re.exec(buf); m !== null && m.index < cut; m = re.exec(buf)) {
        re.lastIndex = m.index + 1;
        if (m.index > currentEnd) {
          flush();
          for (
            let q = buf.indexOf('\n', countPos);
            q !== -1 && q < m.index;
            q = buf.indexOf('\n', countPos)
          ) {
            lineNo++;
            countPos = q + 1;
          }
          currentStart = countPos;
          const end = buf.indexOf('\n', m.index);
          currentEnd = end === -1 ? buf.length : end;
          candidates = [];
        }
        const refs = this.byTrigger.get(m[0]);
        if (refs) for (const r of refs) candidates.push(r);
      }
      flush();
    }
    for (let q = buf.indexOf('\n', countPos); q !== -1 && q < cut; q = buf.indexOf('\n', countPos)) {
      lineNo++;
      countPos = q + 1;
    }
    if (final && countPos < buf.length) lineNo++;
    this.lines.count = lineNo - 1;
    if (cut > from) {
      const lastLineStart = Math.max(from, buf.lastIndexOf('\n', cut - 2) + 1);
      const lastLineEnd = buf.charCodeAt(cut - 1) === 10 ? cut - 1 : cut;
      this.prevLine = stripCr(buf.slice(lastLineStart, Math.max(lastLineStart, lastLineEnd)));
    }
    this.firstLineNo = lineNo;
  }

  private lineAt(buf: string, start: number): { text: string; next: number } {
    const nl = buf.indexOf('\n', start);
    const end = nl === -1 ? buf.length : nl;
    return { text: stripCr(buf.slice(start, end)), next: nl === -1 ? -1 : nl + 1 };
  }

  private evaluate(buf: string, lineStart: number, lineNo: number, refs: PatternRef[]): void {
    refs.sort((a, b) => a.rule - b.rule || a.pattern - b.pattern);
    let doneRule = -1;
    let claimed = false;
    let lines: string[] | null = null;
    for (const ref of refs) {
      if (ref.rule === doneRule) continue;
      const rule = this.rules[ref.rule] as CompiledRule;
      if (claimed && rule.fallback) break;
      const pattern = rule.patterns[ref.pattern] as CompiledPattern;
      const want = 1 + (pattern.lookahead ?? 0);
      if (!lines || lines.length < want) {
        lines = [];
        for (let pos = lineStart; lines.length < want && pos !== -1; ) {
          const l = this.lineAt(buf, pos);
          lines.push(l.text);
          pos = l.next;
        }
      }
      const text = lines.slice(0, want).join('\n');
      const m = pattern.re.exec(text);
      // A multi-line pattern must start on this line; later lines get their own turn.
      if (!m || m.index > (lines[0] as string).length) continue;
      if (this.record(rule, pattern, m, buf, lineStart, lineNo)) {
        doneRule = ref.rule;
        claimed = true;
      }
    }
  }

  private record(
    rule: CompiledRule,
    pattern: CompiledPattern,
    m: RegExpExecArray,
    buf: string,
    lineStart: number,
    lineNo: number,
  ): boolean {
    const rawKey = `${rule.id}\u0000${m.slice(1).join('\u0001')}\u0000${pattern.code ?? ''}`;
    const seen = this.seenRaw.get(rawKey);
    if (seen === null) return false;
    if (seen !== undefined) {
      const existing = this.findings.get(seen);
      if (existing) {
        existing.occurrences++;
        if (existing.moreLines.length < MAX_MORE_LINES) existing.moreLines.push(lineNo);
      } else this.dropped++;
      return true;
    }
    const groups = m.groups ?? {};
    const rawCode = groups.code ?? pattern.code;
    const info = rawCode ? describeErrorCode(rawCode) : null;
    const parsed = rawCode ? parseErrorCode(rawCode) : null;
    const code = info?.code ?? (parsed !== null ? formatErrorCode(parsed) : null);
    if (code && rule.ignored.has(code)) {
      this.seenRaw.set(rawKey, null);
      return false;
    }
    if (code && !info && groups.name) this.learnedNames.set(code, groups.name);
    const codeName = info?.name ?? groups.name ?? (code ? this.learnedNames.get(code) : undefined);
    const codeMessage = info?.message ?? (codeName ? messageFromSymbol(codeName) : undefined);
    const vars: TemplateVars = { ...groups, fileName: this.opts.file, logKind: this.opts.kind };
    for (const d of rule.derive ?? []) {
      const from = vars[d.from];
      if (from !== undefined) vars[d.as] = derive(d.fn, from);
    }
    vars.code = code ?? undefined;
    vars.codeName = codeName;
    vars.codeMessage = codeMessage;
    const message = renderTemplate(pattern.message ?? rule.message, vars);
    const key = `${rule.id}\u0000${rule.dedupeBy ? renderTemplate(rule.dedupeBy, vars) : message}`;
    // Names learned later can change the message; rendering once per raw match is enough.
    if (this.seenRaw.size < 100_000) this.seenRaw.set(rawKey, key);
    const existing = this.findings.get(key);
    if (existing) {
      existing.occurrences++;
      if (existing.moreLines.length < MAX_MORE_LINES) existing.moreLines.push(lineNo);
      return true;
    }
    if (this.findings.size >= this.maxFindings) {
      this.dropped++;
      return true;
    }
    const spanLines = 1 + countNewlines(m.input.slice(0, m.index + m[0].length));
    const excerptLines: string[] = [];
    if (lineNo > 1) {
      excerptLines.push(
        lineStart <= this.regionFrom
          ? this.prevLine
          : stripCr(buf.slice(buf.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)),
      );
    }
    let pos = lineStart;
    for (let i = 0; i < spanLines + 1 && pos !== -1; i++) {
      const l = this.lineAt(buf, pos);
      if (pos >= buf.length) break;
      excerptLines.push(l.text);
      pos = l.next;
    }
    const excerpt = excerptLines
      .map((l) => (l.length > MAX_EXCERPT_LINE ? `${l.slice(0, MAX_EXCERPT_LINE)}…` : l))
      .join('\n');
    const mapped: Fact[] = [];
    for (const f of rule.facts ?? []) {
      const v = vars[f.from];
      if (!v) continue;
      const fact =
        f.kind === 'hash'
          ? hashFact(groups[f.from] ?? v)
          : f.kind === 'error_code'
            ? errorCodeFact(v)
            : f.kind === 'path'
              ? pathFact(v)
              : {
                  kind: f.kind,
                  value: v,
                  normalized: f.kind === 'kb' ? `KB${v.replace(/\D/g, '')}` : v.toUpperCase(),
                };
      if (fact) mapped.push(fact);
    }
    const codeFact = code && code !== '0x00000000' ? errorCodeFact(code) : null;
    const facts = dedupeFacts([...(codeFact ? [codeFact] : []), ...mapped, ...extractFacts(m[0])]);
    this.findings.set(key, {
      rule: rule.id,
      severity: pattern.severity ?? rule.severity,
      code,
      codeName: codeName ?? null,
      message,
      file: this.opts.file,
      line: lineNo,
      excerpt,
      facts,
      nextStep: renderTemplate(rule.nextStep, vars),
      occurrences: 1,
      moreLines: [],
    });
    return true;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Scans a whole text at once (tests, mail bodies). */
export function scanText(text: string, opts: ScanOptions): Finding[] {
  const scanner = new LogScanner(opts);
  scanner.push(text);
  return scanner.end();
}
