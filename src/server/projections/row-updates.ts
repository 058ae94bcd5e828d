/**
 * Applies an update event's changes to a row and stamps it. Fields an event leaves out
 * (undefined) keep their value; a row that does not exist stays absent.
 */
export function updated<Row extends { updatedAt: string }>(row: Row | undefined, changes: object, time: string): Row | undefined {
  if (!row) return undefined;
  const present = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { ...row, ...present, updatedAt: time };
}
