export { QuotaFitMessage } from './QuotaFitMessage';
export { useQuotaFit, type QuotaFitState } from './useQuotaFit';
