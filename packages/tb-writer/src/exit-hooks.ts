// One set of process hooks shared by every open SummaryWriter, so that
// buffered events reach the disk when the process ends:
//
// - 'beforeExit' and 'exit': synchronous flush of every open writer.
// - SIGINT, SIGTERM, SIGHUP: synchronous flush. Installing a listener for a
//   signal replaces Node's default action (terminate), so to keep the
//   application's behaviour unchanged: if our listener is the only one for
//   that signal, it removes itself and re-raises the signal, and the process
//   dies exactly as it would have without us (exit status 128 + signal).
//   If the application has its own listener, we only flush and leave the
//   decision to the application's handler.
//
// Hooks are installed when the first writer opens and removed when the last
// one closes, so an idle process carries no listeners from this package.

/** What a writer exposes to the hooks. */
export interface SyncFlushable {
  flushSync(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const writers = new Set<SyncFlushable>();
let installed = false;

function flushAll(): void {
  for (const w of writers) {
    try {
      w.flushSync();
    } catch {
      // Exiting: nothing sensible to do with a write error here; the
      // writer has recorded it and flush()/close() would report it.
    }
  }
}

const onExit = (): void => flushAll();

const onSignal = (signal: NodeJS.Signals): void => {
  flushAll();
  if (process.listenerCount(signal) === 1) {
    // Only our listener: restore the default action and re-raise.
    uninstall();
    process.kill(process.pid, signal);
  }
};

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onExit);
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('beforeExit', onExit);
  process.removeListener('exit', onExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Registers an open writer. */
export function registerWriter(w: SyncFlushable): void {
  writers.add(w);
  install();
}

/** Unregisters a closed writer; removes the hooks after the last one. */
export function unregisterWriter(w: SyncFlushable): void {
  writers.delete(w);
  if (writers.size === 0) uninstall();
}

/** Number of registered writers (for tests). */
export function openWriterCount(): number {
  return writers.size;
}
