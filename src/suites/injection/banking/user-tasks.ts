import type { BankingState } from '../../../envs/banking/index.js';
import type { UserTaskTemplate } from '../user-task.js';
import { checkInvoicePaid, payBillFromFile, scheduleInvoiceOnDueDate, scheduleNewContract } from './bill-tasks.js';
import { updateAddressFromLetter } from './profile-tasks.js';
import { applyRentChange, cancelMembershipStandingOrder, landlordNewBankAccount } from './standing-order-tasks.js';
import { directDebitCreditorIban, lastSalaryAmount, refundMistakenTransfer, transferPurpose } from './transaction-tasks.js';

/** The banking user-task templates: eight train, two dev and two test families. */
export const bankingUserTasks: UserTaskTemplate<BankingState>[] = [
  payBillFromFile,
  applyRentChange,
  refundMistakenTransfer,
  transferPurpose,
  updateAddressFromLetter,
  lastSalaryAmount,
  scheduleNewContract,
  cancelMembershipStandingOrder,
  directDebitCreditorIban,
  scheduleInvoiceOnDueDate,
  checkInvoicePaid,
  landlordNewBankAccount,
];
