/**
 * The Knot backend plugin.
 *
 * @packageDocumentation
 */

export { knotPlugin as default } from './plugin';
export {
  knotServicesCatalogModule,
  knotServicesScaffolderModule,
} from './services/modules';
export {
  profileAccessServiceRef,
  SelfOnlyProfileAccess,
  type ProfileAccess,
} from './profiles/ProfileAccess';
export { catalogModuleKnotProfiles } from './catalog/module';
export { permissionModuleKnotPolicy } from './permissions/module';
