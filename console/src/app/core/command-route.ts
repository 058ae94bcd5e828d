/**
 * The console path of a command's form: /run/<manager>/<method> (instances.run → /run/instances/run).
 * No dot in the path: the server and the service worker treat a last segment with a dot as a file,
 * so /run/instances.run would not survive a reload.
 */
export function commandRoute(command: string): string[] {
  const at = command.indexOf('.');
  return at < 0 ? ['/run', command] : ['/run', command.slice(0, at), command.slice(at + 1)];
}

/** The command a /run/<manager>/<method> path names. */
export function commandOfRoute(manager: string | null, method: string | null): string {
  return method ? `${manager ?? ''}.${method}` : (manager ?? '');
}
