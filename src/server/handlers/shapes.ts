import type { Managers } from '../../protocol/commands/index.js';
import { standardShapes } from '../../protocol/compute.js';
import * as events from '../../protocol/events/compute.js';
import { conflict, notFound } from '../../protocol/errors.js';
import type { ManagerHandlers } from '../context.js';
import { regionRef } from '../queries/compute.js';
import { containsText } from '../queries/name-search.js';

const gb = (mb: number) => Math.round((mb / 1024) * 1000) / 1000;

export const shapes: ManagerHandlers<Managers['shapes']> = {
  async describe(input, ctx) {
    const region = await regionRef(ctx.db, input.region);
    const { rows } = await ctx.db.query<{ name: string; cpu: number; ramMb: number }>(
      'SELECT name, cpu, ram_mb AS "ramMb" FROM region_shapes WHERE region_id = $1 ORDER BY cpu, ram_mb, name',
      [region.id],
    );
    const items = [
      ...standardShapes.map((s) => ({ name: s.name, cpu: s.cpu, ramGb: s.ramGb, custom: false })),
      ...rows.map((s) => ({ name: s.name, cpu: s.cpu, ramGb: gb(s.ramMb), custom: true })),
    ];
    return { items: items.filter((s) => containsText(s.name, input.search)) };
  },
  async create(input, ctx) {
    const region = await regionRef(ctx.db, input.region);
    const { rows } = await ctx.db.query('SELECT 1 FROM region_shapes WHERE region_id = $1 AND name = $2', [region.id, input.name]);
    if (rows.length > 0 || standardShapes.some((s) => s.name === input.name)) {
      throw conflict(`region ${region.name} already has a shape named ${input.name}`);
    }
    const ramMb = Math.round(input.ramGb * 1024);
    await ctx.emit(events.shapeCreated, { regionId: region.id, name: input.name, cpu: input.cpu, ramMb }, {
      target: { id: `${region.id}/${input.name}`, name: input.name },
      region: region.name,
    });
    return { name: input.name, cpu: input.cpu, ramGb: gb(ramMb), custom: true };
  },
  async delete(input, ctx) {
    const region = await regionRef(ctx.db, input.region);
    const { rows } = await ctx.db.query('SELECT 1 FROM region_shapes WHERE region_id = $1 AND name = $2', [region.id, input.name]);
    if (rows.length === 0) throw notFound('custom shape', input.name, 'standard shapes cannot be removed');
    await ctx.emit(events.shapeDeleted, { regionId: region.id, name: input.name }, {
      target: { id: `${region.id}/${input.name}`, name: input.name },
      region: region.name,
    });
    return { ok: true as const };
  },
};
