import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** Knot's entity providers (catalogModuleKnot). */
      knot?: {
        /**
         * Users and Groups. Profile changes arrive at once as events; this
         * schedule is a safety net (changes made through other replicas).
         * Default: every minute, 5 s after startup.
         */
        profiles?: { schedule?: SchedulerServiceTaskScheduleDefinitionConfig };
        /** A Template per offered chart version. Default: every 5 minutes. */
        templates?: {
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
        /** A Component per deployed service. Default: every 20 seconds. */
        releases?: { schedule?: SchedulerServiceTaskScheduleDefinitionConfig };
      };
    };
  };
}
