import { Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';

/** Where a guard sends a refused page: names the missing permission action (and feature) to ask for. */
@Component({
  selector: 'app-forbidden-page',
  imports: [RouterLink, MatButtonModule],
  template: `
    <section class="refused" data-testid="forbidden">
      <h1>Not allowed</h1>
      @if (none()) {
        <p>Your roles give you no console page. Ask an administrator for a role with a page permission.</p>
      } @else {
        <p data-testid="forbidden-message">
          You do not have the permission <code>{{ action() }}</code> for this page@if (feature()) {, or your edition lacks the feature <code>{{ feature() }}</code>}.
          Ask an administrator of your organisation for it.
        </p>
        @if (from()) {
          <p class="from">Page asked for: <code>{{ from() }}</code></p>
        }
      }
      <a mat-stroked-button routerLink="/">Go to the start page</a>
    </section>
  `,
  styles: `.refused { max-width: 640px; } .from { color: var(--mat-sys-on-surface-variant); }`,
})
export class ForbiddenPage {
  readonly action = input<string>();
  readonly feature = input<string>();
  readonly from = input<string>();
  readonly none = input<string>();
}
