import { Component, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatButtonModule } from '@angular/material/button';
import { firstValueFrom } from 'rxjs';

export interface ConfirmQuestion {
  title: string;
  question: string;
  action: string;
}

/** The question a command's ui.confirm asks before a destructive run. */
@Component({
  selector: 'app-confirm-dialog',
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content data-testid="confirm-question">{{ data.question }}</mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false" data-testid="confirm-cancel">Cancel</button>
      <button mat-flat-button type="button" [mat-dialog-close]="true" cdkFocusInitial data-testid="confirm-ok">{{ data.action }}</button>
    </mat-dialog-actions>
  `,
})
export class ConfirmDialog {
  protected readonly data = inject<ConfirmQuestion>(MAT_DIALOG_DATA);
}

export async function confirm(dialog: MatDialog, question: ConfirmQuestion): Promise<boolean> {
  const ref = dialog.open(ConfirmDialog, { data: question, maxWidth: '480px' });
  return (await firstValueFrom(ref.afterClosed())) === true;
}
