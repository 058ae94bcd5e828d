import { inject } from '@angular/core';
import { DiscoveryService } from '../../core/discovery.service';
import { SessionService } from '../../core/session.service';

/**
 * Which commands the user may run, as the server publishes them (permission action and edition
 * feature in x-maestro): a bespoke page shows only the cards, tabs and buttons whose command passes.
 * The server still checks every call; this only keeps refusals off the screen.
 */
export function commandAccess(): (name: string) => Promise<boolean> {
  const discovery = inject(DiscoveryService);
  const session = inject(SessionService);
  return async (name) => {
    const method = await discovery.find(name).catch(() => undefined);
    const extension = method?.['x-maestro'];
    if (!extension) return false;
    return session.hasAction(extension.ui?.wizard ?? extension.permission ?? '') && session.hasFeature(extension.feature);
  };
}
