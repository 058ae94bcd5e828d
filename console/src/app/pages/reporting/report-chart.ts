import { Component, type ElementRef, effect, input, viewChild, DestroyRef, inject } from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartSeries } from './report-model';

// Only the parts these charts use (tree-shaken; this file is in the lazily loaded Reporting chunk).
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const palette = ['#3f51b5', '#e91e63', '#009688', '#ff9800', '#795548', '#607d8b'];

/**
 * A bar or line chart of a report (one dataset per currency). The canvas is an image for
 * assistive technology, labelled with what it shows; the table beside it carries the numbers.
 */
@Component({
  selector: 'app-report-chart',
  template: `
    <div class="frame">
      <canvas #canvas role="img" [attr.aria-label]="label()" data-testid="report-chart"></canvas>
    </div>
  `,
  styles: `.frame { position: relative; height: 320px; width: 100%; } @media (max-width: 599.98px) { .frame { height: 240px; } }`,
})
export class ReportChart {
  readonly series = input.required<ChartSeries>();
  readonly label = input.required<string>();
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart | null = null;

  constructor() {
    effect(() => this.draw(this.series()));
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  private draw(series: ChartSeries): void {
    this.chart?.destroy();
    this.chart = new Chart(this.canvas().nativeElement, {
      type: series.type,
      data: {
        labels: series.labels,
        datasets: series.datasets.map((dataset, index) => ({
          label: dataset.label,
          data: dataset.data,
          backgroundColor: palette[index % palette.length],
          borderColor: palette[index % palette.length],
          spanGaps: true,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { display: series.datasets.length > 1 } },
      },
    });
  }
}
