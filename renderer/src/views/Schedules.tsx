/** The schedules editor: filled in with the scheduler. */
export function SchedulesPanel() {
  return null;
}
