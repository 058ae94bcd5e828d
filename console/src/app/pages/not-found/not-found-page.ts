import { Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';

@Component({
  selector: 'app-not-found-page',
  imports: [RouterLink, MatButtonModule],
  template: `
    <section data-testid="not-found">
      <h1>Not found</h1>
      <p>There is no {{ what() ?? 'page' }} here. Check the address, or choose a page from the menu.</p>
      <a mat-stroked-button routerLink="/">Go to the start page</a>
    </section>
  `,
})
export class NotFoundPage {
  readonly what = input<string>();
}
