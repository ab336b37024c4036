export { QuotaUsage } from './QuotaUsage';
