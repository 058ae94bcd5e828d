import type { EventDefinition, EventData, RecordedEvent } from '../protocol/events.js';
import type { Queryable } from './database.js';

/**
 * A read model kept in step with the event log: `apply` runs in the transaction that appends
 * the events, and again, from an empty table, when the log is replayed. A projection reads and
 * writes only its own tables, so projections never depend on each other's order.
 */
export interface Projection {
  readonly name: string;
  readonly tables: readonly string[];
  readonly eventTypes: ReadonlySet<string>;
  apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<void>;
  /** Folds a whole log into empty tables: state stays in memory and each row is written once. */
  replay(): Replay;
}

export interface Replay {
  fold(events: readonly RecordedEvent[]): void;
  /** Inserts the folded rows; the projection's tables must be empty. */
  write(tx: Queryable): Promise<void>;
}

export interface TableSpec<Row> {
  table: string;
  /** Every column, named in camelCase; the SQL column is its snake_case form. */
  columns: readonly (keyof Row & string)[];
  key: readonly (keyof Row & string)[];
}

interface Reducer<Row> {
  type: string;
  key(event: RecordedEvent): Partial<Row>;
  apply(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /** False when the new value does not depend on the old row, so the row need not be loaded. */
  readsRow: boolean;
}

type KeyOf<Row, E extends EventDefinition> = (data: EventData<E>, event: RecordedEvent<EventData<E>>) => Partial<Row>;

/**
 * How one event type changes one row: which row, and its new value (undefined deletes it).
 * `on.set` and `on.remove` are for events that replace or delete a row without reading it.
 */
export interface On<Row> {
  <E extends EventDefinition>(
    event: E,
    key: KeyOf<Row, E>,
    apply: (row: Row | undefined, data: EventData<E>, event: RecordedEvent<EventData<E>>) => Row | undefined,
  ): Reducer<Row>;
  set<E extends EventDefinition>(
    event: E,
    key: KeyOf<Row, E>,
    value: (data: EventData<E>, event: RecordedEvent<EventData<E>>) => Row,
  ): Reducer<Row>;
  remove<E extends EventDefinition>(event: E, key: KeyOf<Row, E>): Reducer<Row>;
}

function on<Row>(): On<Row> {
  const reducer = <E extends EventDefinition>(
    event: E,
    key: KeyOf<Row, E>,
    apply: (row: Row | undefined, data: EventData<E>, event: RecordedEvent<EventData<E>>) => Row | undefined,
    readsRow: boolean,
  ): Reducer<Row> => ({
    type: event.type,
    key: (recorded) => key(recorded.data as never, recorded as never),
    apply: (row, recorded) => apply(row, recorded.data as never, recorded as never),
    readsRow,
  });
  const readModifyWrite = <E extends EventDefinition>(
    event: E,
    key: KeyOf<Row, E>,
    apply: (row: Row | undefined, data: EventData<E>, event: RecordedEvent<EventData<E>>) => Row | undefined,
  ) => reducer(event, key, apply, true);
  return Object.assign(readModifyWrite, {
    set: <E extends EventDefinition>(event: E, key: KeyOf<Row, E>, value: (data: EventData<E>, e: RecordedEvent<EventData<E>>) => Row) =>
      reducer(event, key, (_row, data, recorded) => value(data, recorded), false),
    remove: <E extends EventDefinition>(event: E, key: KeyOf<Row, E>) => reducer(event, key, () => undefined, false),
  });
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const quote = (name: string) => `"${name}"`;

/**
 * A projection of one table whose rows are folded from events by pure reducers. Whatever the
 * batch size, it costs at most three statements: load the touched rows that a reducer reads,
 * delete, upsert. A replay folds the whole log in memory and inserts each row once.
 */
export function entityProjection<Row>(spec: {
  name: string;
  table: TableSpec<Row>;
  /** Given `on`, bound to this table's row type, lists how each event type changes a row. */
  reducers: (on: On<Row>) => readonly Reducer<Row>[];
}): Projection {
  const { table } = spec;
  const byType = new Map(spec.reducers(on<Row>()).map((reducer) => [reducer.type, reducer]));
  const sqlColumns = table.columns.map((column) => snake(column));
  const camelOf = new Map(table.columns.map((column) => [snake(column), column]));
  const keyColumns = table.key.map((column) => snake(column));
  const name = quote(table.table);
  const join = keyColumns.map((c) => `t.${quote(c)} = k.${quote(c)}`).join(' AND ');
  const nonKey = sqlColumns.filter((c) => !keyColumns.includes(c));
  const loadSql = `SELECT to_jsonb(t) AS row FROM ${name} t
    JOIN jsonb_populate_recordset(null::${name}, $1::jsonb) k ON ${join}`;
  const deleteSql = `DELETE FROM ${name} t USING jsonb_populate_recordset(null::${name}, $1::jsonb) k WHERE ${join}`;
  const columnList = sqlColumns.map(quote).join(', ');
  const upsertSql = `INSERT INTO ${name} (${columnList})
    SELECT ${columnList} FROM jsonb_populate_recordset(null::${name}, $1::jsonb)
    ON CONFLICT (${keyColumns.map(quote).join(', ')}) ${
      nonKey.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${nonKey.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`
    }`;

  const keyString = (key: Partial<Row>) =>
    table.key.map((column) => String(key[column] ?? '')).join('\u0000');
  const namePairs = table.columns.map((column) => [column, snake(column)] as const);
  const toSqlRow = (row: Partial<Row>) => {
    const out: Record<string, unknown> = {};
    for (const [column, sqlColumn] of namePairs) {
      if (column in (row as object)) out[sqlColumn] = row[column] ?? null;
    }
    return out;
  };
  const fromSqlRow = (row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) out[camelOf.get(column) ?? column] = value;
    return out as Row;
  };

  /** The reducer and row key of each event this projection folds, in log order. */
  const relevantOf = (events: readonly RecordedEvent[]) => {
    const relevant: Array<{ event: RecordedEvent; reducer: Reducer<Row>; id: string; key: Partial<Row> }> = [];
    for (const event of events) {
      if (event.outcome !== 'success') continue;
      const reducer = byType.get(event.type);
      if (!reducer) continue;
      const key = reducer.key(event);
      relevant.push({ event, reducer, id: keyString(key), key });
    }
    return relevant;
  };

  return {
    name: spec.name,
    tables: [table.table],
    eventTypes: new Set(byType.keys()),
    async apply(tx, events) {
      const relevant = relevantOf(events);
      if (relevant.length === 0) return;

      // Only rows whose first change in this batch reads the old value are loaded.
      const keys = new Map<string, Partial<Row>>();
      const toLoad: Partial<Row>[] = [];
      for (const { reducer, id, key } of relevant) {
        if (keys.has(id)) continue;
        keys.set(id, key);
        if (reducer.readsRow) toLoad.push(key);
      }
      const state = new Map<string, Row | undefined>();
      if (toLoad.length > 0) {
        const { rows } = await tx.query<{ row: Record<string, unknown> }>(loadSql, [JSON.stringify(toLoad.map(toSqlRow))]);
        for (const { row } of rows) {
          const loaded = fromSqlRow(row);
          state.set(keyString(loaded), loaded);
        }
      }
      for (const { event, reducer, id } of relevant) state.set(id, reducer.apply(state.get(id), event));

      const deletes: Partial<Row>[] = [];
      const upserts: Row[] = [];
      for (const [id, row] of state) {
        if (row === undefined) deletes.push(keys.get(id)!);
        else upserts.push(row);
      }
      if (deletes.length > 0) await tx.query(deleteSql, [JSON.stringify(deletes.map(toSqlRow))]);
      if (upserts.length > 0) await tx.query(upsertSql, [JSON.stringify(upserts.map(toSqlRow))]);
    },
    replay() {
      const state = new Map<string, Row>();
      return {
        fold(events) {
          for (const { event, reducer, id } of relevantOf(events)) {
            const next = reducer.apply(state.get(id), event);
            if (next === undefined) state.delete(id);
            else state.set(id, next);
          }
        },
        async write(tx) {
          const rows = [...state.values()];
          for (let at = 0; at < rows.length; at += 5000) {
            await tx.query(upsertSql, [JSON.stringify(rows.slice(at, at + 5000).map(toSqlRow))]);
          }
        },
      };
    },
  };
}

/** Applies a batch of events to every projection interested in any of them. */
export async function applyProjections(
  tx: Queryable,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
): Promise<void> {
  for (const projection of projections) {
    if (events.some((event) => projection.eventTypes.has(event.type))) {
      await projection.apply(tx, events);
    }
  }
}
