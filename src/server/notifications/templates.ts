import { readFileSync } from 'node:fs';
import path from 'node:path';
import { notificationTypeNames, templateParts, type NotificationType, type TemplatePart } from '../../protocol/notifications.js';
import type { Queryable } from '../../store/database.js';
import { packageRoot } from '../../paths.js';
import { checkTemplate, Renderer } from './renderer.js';

/**
 * The templates notifications are rendered with: the shipped ones, files under
 * templates/notifications/<type>/<part>.mustache beside each type's sample.json (the data its
 * templates may use), and each customer's own versions of some parts (notification_templates,
 * saved with notificationTemplates.save).
 */
export class TemplateCatalog {
  readonly renderer = new Renderer();

  private constructor(
    private readonly shippedTemplates: ReadonlyMap<string, string>,
    private readonly samples: ReadonlyMap<NotificationType, Record<string, unknown>>,
  ) {}

  /** Reads and checks every shipped template: a broken one stops the start, naming its file. */
  static load(dir = path.join(packageRoot(), 'templates', 'notifications')): TemplateCatalog {
    const shipped = new Map<string, string>();
    const samples = new Map<NotificationType, Record<string, unknown>>();
    for (const type of notificationTypeNames) {
      const sampleFile = path.join(dir, type, 'sample.json');
      samples.set(type, JSON.parse(readFileSync(sampleFile, 'utf8')) as Record<string, unknown>);
      for (const part of templateParts) shipped.set(key(type, part), readFileSync(path.join(dir, type, `${part}.mustache`), 'utf8'));
    }
    const catalog = new TemplateCatalog(shipped, samples);
    for (const type of notificationTypeNames) {
      for (const part of templateParts) {
        try {
          catalog.preview(type, part, catalog.shipped(type, part));
        } catch (error) {
          throw new Error(`${path.join(dir, type, `${part}.mustache`)}: ${(error as Error).message}`);
        }
      }
    }
    return catalog;
  }

  shipped(type: NotificationType, part: TemplatePart): string {
    return this.shippedTemplates.get(key(type, part))!;
  }

  sample(type: NotificationType): Record<string, unknown> {
    return this.samples.get(type)!;
  }

  /** Checks a template against the type's sample and renders the sample with it (throws invalid_input). */
  preview(type: NotificationType, part: TemplatePart, template: string): string {
    return checkTemplate(this.renderer, template, part, this.sample(type));
  }

  /** The templates of some customers, their own versions over the shipped ones, in one query. */
  async forCustomers(db: Queryable, customerIds: readonly string[]): Promise<TemplateSet> {
    const own = new Map<string, string>();
    if (customerIds.length > 0) {
      const { rows } = await db.query<{ customerId: string; type: NotificationType; part: TemplatePart; template: string }>(
        `SELECT customer_id AS "customerId", type, part, template FROM notification_templates WHERE customer_id = ANY($1::uuid[])`,
        [customerIds],
      );
      for (const row of rows) own.set(`${row.customerId}/${key(row.type, row.part)}`, row.template);
    }
    const ownOf = (customerId: string | null, type: NotificationType, part: TemplatePart) =>
      customerId !== null ? own.get(`${customerId}/${key(type, part)}`) : undefined;
    const get = (customerId: string | null, type: NotificationType, part: TemplatePart) => ownOf(customerId, type, part) ?? this.shipped(type, part);
    return {
      get,
      source: (customerId, type, part) => (ownOf(customerId, type, part) !== undefined ? 'customer' : 'shipped'),
      render: (customerId, type, part, view) => this.renderer.render(get(customerId, type, part), part, view),
    };
  }
}

/** The templates that apply to some customers' notifications (customer null: the platform's). */
export interface TemplateSet {
  get(customerId: string | null, type: NotificationType, part: TemplatePart): string;
  source(customerId: string | null, type: NotificationType, part: TemplatePart): 'customer' | 'shipped';
  render(customerId: string | null, type: NotificationType, part: TemplatePart, view: object): string;
}

const key = (type: NotificationType, part: TemplatePart) => `${type}/${part}`;
