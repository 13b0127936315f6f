/**
 * What the mail receivers of this server process are doing right now (the IMAP pollers' last poll
 * and error, the SMTP listener's port), and who to tell when an admin changes the mail settings.
 * Kept per database handle, so two apps in one test process do not see each other's pollers.
 */
export type ImapRuntimeStatus = {
  running: boolean;
  lastPollAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
};

export type ListenerStatus = { host: string; port: number; recipients: string[]; tls: boolean };

export type MailRuntime = {
  listener: ListenerStatus | null;
  imap: Map<string, ImapRuntimeStatus>;
  changeListeners: Set<() => Promise<void> | void>;
};

const runtimes = new WeakMap<object, MailRuntime>();

export function mailRuntime(db: object): MailRuntime {
  let runtime = runtimes.get(db);
  if (!runtime) {
    runtime = { listener: null, imap: new Map(), changeListeners: new Set() };
    runtimes.set(db, runtime);
  }
  return runtime;
}

/** Subscribes to setting changes made through this process's API; returns the unsubscribe. */
export function onMailSettingsChanged(db: object, listener: () => Promise<void> | void): () => void {
  const runtime = mailRuntime(db);
  runtime.changeListeners.add(listener);
  return () => runtime.changeListeners.delete(listener);
}

/** Tells this process's receivers; resolves once they applied the change (pollers restarted). */
export async function notifyMailSettingsChanged(db: object): Promise<void> {
  await Promise.all([...mailRuntime(db).changeListeners].map(async (listener) => listener()));
}

export function imapStatus(db: object, key: string): ImapRuntimeStatus {
  const map = mailRuntime(db).imap;
  let status = map.get(key);
  if (!status) {
    status = { running: false, lastPollAt: null, lastError: null, lastErrorAt: null };
    map.set(key, status);
  }
  return status;
}
