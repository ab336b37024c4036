export { AuditPanel } from './AuditPanel';
export { MyActivity } from './MyActivity';
