/** Times are stored as UTC instants and shown in the viewer's own zone, in the console's language. */
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, style: 'full' | 'short', timeZone?: string): Intl.DateTimeFormat {
  const key = `${locale}|${style}|${timeZone ?? ''}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      ...(style === 'full'
        ? { dateStyle: 'medium', timeStyle: 'short' }
        : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
      ...(timeZone ? { timeZone } : {}),
    });
    cache.set(key, f);
  }
  return f;
}

export function formatTime(
  iso: string | null | undefined,
  locale: string,
  options: { style?: 'full' | 'short'; timeZone?: string } = {},
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(locale, options.style ?? 'full', options.timeZone).format(date);
}

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
