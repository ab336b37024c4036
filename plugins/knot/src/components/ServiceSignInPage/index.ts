export { ServiceSignInPage } from './ServiceSignInPage';
