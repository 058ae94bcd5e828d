import { Component, inject, input, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { LoginRefused, SessionService } from '../../core/session.service';

/** Only paths inside the console are followed after log-in (no open redirect). */
function safeReturn(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : '/';
}

@Component({
  selector: 'app-login-page',
  imports: [ReactiveFormsModule, MatCardModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatProgressBarModule],
  templateUrl: './login-page.html',
  styleUrl: './login-page.scss',
})
export class LoginPage {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  /** Query parameters: where to go afterwards, and why the user was sent here. */
  readonly returnUrl = input<string>();
  readonly reason = input<string>();

  protected readonly form = new FormGroup({
    user: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly waitSeconds = signal(0);
  private countdown: ReturnType<typeof setInterval> | null = null;

  async submit(): Promise<void> {
    if (this.form.invalid || this.busy() || this.waitSeconds() > 0) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const { user, password } = this.form.getRawValue();
      await this.session.logIn(user.trim(), password);
      await this.router.navigateByUrl(safeReturn(this.returnUrl()));
    } catch (error) {
      if (error instanceof LoginRefused) {
        this.error.set(error.message);
        if (error.reason === 'rate_limited') this.startWait(error.retryAfterSeconds);
        if (error.reason === 'credentials') this.form.controls.password.reset();
      } else {
        this.error.set('The log-in failed unexpectedly; try again.');
      }
    } finally {
      this.busy.set(false);
    }
  }

  /** The rate limit's wait, counted down on the button so the user knows when to try again. */
  private startWait(seconds: number): void {
    if (this.countdown) clearInterval(this.countdown);
    this.waitSeconds.set(seconds);
    this.countdown = setInterval(() => {
      this.waitSeconds.update((left) => left - 1);
      if (this.waitSeconds() <= 0 && this.countdown) {
        clearInterval(this.countdown);
        this.countdown = null;
      }
    }, 1000);
  }
}
