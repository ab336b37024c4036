export { KnotPage } from './KnotPage';
