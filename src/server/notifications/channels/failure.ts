/**
 * A delivery that no retry can help (a mailbox that does not exist, a push subscription the
 * browser gave up): failed at once. Any other error a channel throws is retried with back-off.
 */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}
