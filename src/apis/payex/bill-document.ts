// The PDF of a bill (its `document` link), rendered with PDFKit: number, dates, amounts and how to pay.
import type PDFKit from 'pdfkit';
import type { AccountRecord, BillRecord } from './records.js';
import type { BillResource } from './resources.js';

const TYPE_NAMES: Record<BillRecord['billType'], string> = {
  bill: 'Bill',
  reminder1: 'Reminder 1',
  reminder2: 'Reminder 2',
  collection: 'Collection notice',
};

const ACCOUNT_TYPE_NAMES: Record<string, string> = { BGSE: 'Bankgiro', PGSE: 'Plusgiro', BKSE: 'Bank account', PKSE: 'Plusgiro' };

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency.toUpperCase()}`;

export interface BillDocumentInput {
  bill: BillResource;
  record: BillRecord;
  account: AccountRecord;
  /** The account owner's name, when known (from the main card). */
  holder?: string;
}

// PDFKit (and its fonts) load on the first bill document rather than at start-up.
let pdfkit: Promise<typeof PDFKit> | undefined;

/** Renders the bill; the same bill always gives the same bytes (the creation date is the bill date). */
export async function renderBillPdf({ bill, record, account, holder }: BillDocumentInput): Promise<Buffer> {
  pdfkit ??= import('pdfkit').then(m => m.default);
  const PDFDocument = await pdfkit;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: `${TYPE_NAMES[record.billType]} no. ${record.billNo}`,
      Author: 'PayEx ledger sandbox',
      Subject: `Account ${account.accountNo}`,
      CreationDate: new Date(`${record.billDate}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const row = (label: string, value: string) => doc.font('Helvetica-Bold').text(label, { continued: true }).font('Helvetica').text(` ${value}`);
  doc.font('Helvetica-Bold').fontSize(20).text(`${TYPE_NAMES[record.billType]} no. ${record.billNo}`);
  doc.font('Helvetica').fontSize(10).fillColor('#555').text(`Ledger ${account.ledgerNo} · sandbox document, not a real bill`).fillColor('black');
  doc.moveDown();
  doc.fontSize(12);
  if (holder) row('Customer:', holder);
  row('Customer number:', account.customerNo);
  row('Account number:', account.accountNo);
  doc.moveDown();
  row('Bill number:', record.billNo);
  row('Bill date:', record.billDate);
  row('Due date:', record.dueDate);
  row('Bill amount:', money(record.billAmount, account.currency));
  row('Minimum amount to pay:', money(record.minimumAmountToBePayed, account.currency));
  row('Status:', record.status);
  if (record.externalBillId) row('External reference:', record.externalBillId);
  doc.moveDown();
  const details = bill.activePaymentDetails;
  if (details) {
    doc.font('Helvetica-Bold').text('How to pay');
    row(`${ACCOUNT_TYPE_NAMES[details.bankAccountType] ?? details.bankAccountType}:`, details.bankAccountNo);
    row('IBAN:', details.iban);
    row('BIC:', details.bic);
    row('Payment reference:', details.paymentReference);
    row('Left to pay:', money(details.minimumAmountToBePayed, account.currency));
    if (details.paymentOrdersExists) doc.text('This bill will be paid by autogiro on the due date.');
  } else {
    doc.text('This bill is closed: nothing is left to pay.');
  }
  doc.end();
  return done;
}
