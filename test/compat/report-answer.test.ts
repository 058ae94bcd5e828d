import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportAnswer as answerOf } from '../../src/server/compat/actions/billing-target.js';

type Answer = { grandTotal: number | null; message?: string };
const reportAnswer = (rows: { totalPrice: number; currencyCode: string }[], unit: 'TENANT_GROUP') => answerOf(rows, unit) as Answer;

// The command-line client's subtotal plugin tabulates records only for a non-zero grand total and
// prints the answer's message otherwise; without one it printed a bare currency column.
describe('a report answer whose grand total is 0 to the cent', () => {
  it('says so in its message, with the exact sum, so the client prints a sentence instead of an empty table', () => {
    const nothing = reportAnswer([{ totalPrice: 0, currencyCode: 'USD' }, { totalPrice: 0, currencyCode: 'USD' }], 'TENANT_GROUP');
    assert.deepEqual([nothing.grandTotal, nothing.message], [0, 'the 2 records of this report come to 0 USD, 0 to the cent']);
    const subCent = reportAnswer([{ totalPrice: 0.0012, currencyCode: 'USD' }, { totalPrice: 0.0003, currencyCode: 'USD' }], 'TENANT_GROUP');
    assert.equal(subCent.message, 'the 2 records of this report come to 0.0015 USD, 0 to the cent');
  });

  it('adds no message when the total is a cent or more', () => {
    const paid = reportAnswer([{ totalPrice: 0.6, currencyCode: 'USD' }], 'TENANT_GROUP');
    assert.equal('message' in paid, false);
  });
});
