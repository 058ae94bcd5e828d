import { Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { LiveState } from '../core/live.service';

const looks: Record<LiveState, { icon: string; label: string; help: string }> = {
  live: { icon: 'sensors', label: 'Live', help: 'Pages update as things change' },
  reconnecting: { icon: 'sync', label: 'Reconnecting', help: 'The live connection dropped; catching up when it is back' },
  offline: { icon: 'sensors_off', label: 'Offline', help: 'No live updates; pages show what they last read' },
};

/** The header badge: live, reconnecting or offline (role=status, so screen readers hear changes). */
@Component({
  selector: 'app-live-badge',
  imports: [MatIconModule, MatTooltipModule],
  template: `
    <span
      class="badge"
      [class]="'badge ' + state()"
      role="status"
      data-testid="live-badge"
      [attr.data-state]="state()"
      [matTooltip]="look().help"
      tabindex="0"
    >
      <mat-icon aria-hidden="true">{{ look().icon }}</mat-icon>
      <span class="label">{{ look().label }}</span>
    </span>
  `,
  styles: `
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 2px 10px;
      border-radius: 12px;
      font-size: 13px;
      background: rgb(255 255 255 / 15%);
    }
    .live mat-icon { color: #7dff9a; }
    .reconnecting mat-icon { color: #ffd36e; }
    .offline mat-icon { color: #ff9a9a; }
    @media (max-width: 599.98px) {
      .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    }
  `,
})
export class LiveBadge {
  readonly state = input.required<LiveState>();
  protected readonly look = computed(() => looks[this.state()]);
}
