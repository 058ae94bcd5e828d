import { standardShapes } from '../../protocol/compute.js';
import { invalidInput, notFound } from '../../protocol/errors.js';
import type { CommandContext } from '../context.js';
import type { RegionRef } from '../queries/compute.js';

/** The size a run, a resize or a price asks for: Maestro's standard shapes, the region's own, or custom CPU and RAM. */
export async function resolveShape(ctx: CommandContext, region: RegionRef, input: { shape?: string | undefined; cpu?: number | undefined; ramGb?: number | undefined }) {
  if (input.shape !== undefined) {
    const name = input.shape.toUpperCase().replace(/\s+/g, '');
    const standard = standardShapes.find((s) => s.name === name);
    if (standard) return { shape: standard.name as string, cpu: standard.cpu, ramMb: Math.round(standard.ramGb * 1024) };
    const { rows } = await ctx.db.query<{ cpu: number; ramMb: number }>(
      'SELECT cpu, ram_mb AS "ramMb" FROM region_shapes WHERE region_id = $1 AND name = $2',
      [region.id, name],
    );
    if (!rows[0]) throw notFound('shape', input.shape, `list the shapes of ${region.name} with \`maestro shapes describe --region ${region.name}\``);
    return { shape: name, cpu: rows[0].cpu, ramMb: rows[0].ramMb };
  }
  if (!(await ctx.services.clouds.forRegion(region, ctx.db)).capabilities.customShapes) {
    throw invalidInput(`${region.cloud} regions run named shapes only; give shape instead of cpu and ramGb`, { field: 'shape' });
  }
  return { shape: null, cpu: input.cpu!, ramMb: Math.round(input.ramGb! * 1024) };
}
