export { TeamsPage } from './TeamsPage';
