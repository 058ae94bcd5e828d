/**
 * Who is carrying out each claimed schedule execution, and until when (docs/schedules.md). Not a
 * projection: a row is written with the claim, renewed while the instances are acted on and
 * removed with the record, so an execution whose node died is found once its lease runs out.
 */
export default {
  version: 13,
  name: 'schedule-leases',
  sql: /* sql */ `
CREATE TABLE schedule_execution_leases (
  execution_id uuid PRIMARY KEY,
  -- changes when another node takes the execution over: the one before finds its lease gone
  holder       uuid NOT NULL,
  node         text NOT NULL,
  lease_until  timestamptz NOT NULL
);
CREATE INDEX schedule_execution_leases_until ON schedule_execution_leases (lease_until);
`,
};
