import type { LogKind } from './triage.types.js';

const BY_NAME: [RegExp, LogKind][] = [
  [/(^|[\\/])cbs(persist_\d+)?\.log$/i, 'cbs'],
  [/(^|[\\/])checksur(\.persist)?\.log$/i, 'checksur'],
  [/(^|[\\/])(dism|dismlcu\w*)\.log$/i, 'dism'],
  [/(^|[\\/])windowsupdate(\.\d+)?\.log$/i, 'windowsupdate'],
  [/(^|[\\/])setupapi\.[\w.-]*\.?log$/i, 'setupapi'],
];

/**
 * Which Windows log a text is: by its well-known file name first (CBS.log, DISM.log,
 * WindowsUpdate.log, setupapi.*.log, CheckSUR.log), then by what its first lines look like.
 * `head` is the start of the content (a few KB are enough).
 */
export function detectLogKind(name: string, head: string): LogKind {
  for (const [re, kind] of BY_NAME) if (re.test(name)) return kind;
  if (/^\s*Checking System Update Readiness\./m.test(head) && !/ CBS {2,}/.test(head)) return 'checksur';
  // DISM.log also carries CSI lines and CBS.log the odd DISM line: the majority decides.
  const cbs = count(
    head,
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, \w+\s+(?:\[0x[0-9a-f]+\] )?(?:CBS|CSI) {2,}/gm,
  );
  const dism = count(head, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, \w+\s+DISM {2,}/gm);
  if (cbs + dism > 0) return dism > cbs ? 'dism' : 'cbs';
  if (/Deployment Image Servicing and Management tool/.test(head)) return 'dism';
  if (/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{7} +\d+ +\d+ +\w+/m.test(head)) return 'windowsupdate';
  if (/^(?:\s*>>>|\s*<<<)\s+\[|\[Device Install|\[Boot Session:/m.test(head)) return 'setupapi';
  if (/^(?:Info|Error|Warning)[,\s]+(?:\[0x[0-9a-f]+\] )?(?:CBS|CSI) {2,}/m.test(head)) return 'cbs';
  return 'text';
}

function count(text: string, re: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}
