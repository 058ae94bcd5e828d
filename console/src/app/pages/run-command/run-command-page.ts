import { Component, computed, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { MatSnackBar, MatSnackBarModule } from '@angular/material/snack-bar';
import { DiscoveryService } from '../../core/discovery.service';
import type { RpcMethod } from '../../core/openrpc';
import { messageOf } from '../../core/rpc-error';
import { CommandForm } from '../../shared/command-form/command-form';
import { valueAt } from '../../shared/values';
import { commandOfRoute } from '../../core/command-route';

/** Query parameters that steer the page, not the form. */
const pageParams = new Set(['returnUrl', '_for']);

/** Console paths only, as after log-in. */
function insideConsole(url: string | null): url is string {
  return url !== null && url.startsWith('/') && !url.startsWith('//');
}

/**
 * /run/<manager>/<method>: any command's form or wizard (the guard checked its _WIZARD or permission
 * action). Query parameters fill fields; after success it goes where the hints' resultRoute
 * says, else back to the page it came from, else shows the result.
 */
@Component({
  selector: 'app-run-command-page',
  imports: [CommandForm, MatSnackBarModule],
  template: `
    @if (problem()) {
      <p class="error" role="alert">{{ problem() }}</p>
    }
    @if (command(); as command) {
      <app-command-form [method]="command" [initial]="initial()" (succeeded)="done($event)" />
    }
    @if (result() !== null) {
      <section aria-label="Result" data-testid="run-result">
        <h2>Done</h2>
        <pre>{{ result() }}</pre>
      </section>
    }
  `,
  styles: `.error { color: var(--mat-sys-error); } pre { white-space: pre-wrap; word-break: break-word; }`,
})
export class RunCommandPage {
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });
  /** Route parameters: /run/<manager>/<method>. */
  readonly manager = input.required<string>();
  readonly method = input.required<string>();
  protected readonly command = signal<RpcMethod | null>(null);
  protected readonly problem = signal<string | null>(null);
  protected readonly result = signal<string | null>(null);
  protected readonly initial = computed(() => {
    const query = this.query();
    return Object.fromEntries(query.keys.filter((key) => !pageParams.has(key)).map((key) => [key, query.get(key) ?? '']));
  });

  constructor() {
    const discovery = inject(DiscoveryService);
    queueMicrotask(() => {
      discovery.require(commandOfRoute(this.manager(), this.method())).then(
        (method) => this.command.set(method),
        (error: unknown) => this.problem.set(messageOf(error)),
      );
    });
  }

  protected done(result: unknown): void {
    const command = this.command();
    const route = command?.['x-maestro']?.ui?.resultRoute;
    const summary = `${command?.['x-maestro']?.ui?.title ?? command?.summary ?? command?.name}: done.`;
    if (route) {
      const target = route.replace(/:([A-Za-z0-9_]+)/g, (_match, field: string) => encodeURIComponent(String(valueAt(result, field) ?? '')));
      if (this.router.config.some((entry) => entry.children?.some((child) => child.path && target.startsWith(`/${child.path.split('/')[0]}`)))) {
        this.snackBar.open(summary, 'Close', { duration: 4000 });
        void this.router.navigateByUrl(target);
        return;
      }
    }
    const back = this.query().get('returnUrl');
    if (insideConsole(back)) {
      this.snackBar.open(summary, 'Close', { duration: 4000 });
      void this.router.navigateByUrl(back);
      return;
    }
    this.result.set(JSON.stringify(result, null, 2));
  }
}
