export { ServicesPage } from './ServicesPage';
export { ServicesRoutes } from './ServicesRoutes';
