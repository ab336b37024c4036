export { AdminProvisioningPage } from './AdminProvisioningPage';
