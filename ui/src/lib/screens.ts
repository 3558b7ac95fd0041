// The screens other than Home, loaded on first use: the first screen then parses only what it
// draws (launch time is measured against a hello world), and each screen's code arrives as
// its own chunk. After the first screen is up, `preloadScreens` fetches them all in the
// background so that the first visit to a screen does not wait either.

export const loadPlanEditor = () => import('../components/PlanEditor.svelte');
export const loadObjectList = () => import('../components/ObjectList.svelte');
export const loadReferenceScreen = () => import('../components/ReferenceScreen.svelte');
export const loadCustomersScreen = () => import('../components/CustomersScreen.svelte');
export const loadDiagramView = () => import('../components/DiagramView.svelte');
export const loadExportScreen = () => import('../components/ExportScreen.svelte');
export const loadCommercialsScreen = () => import('../components/CommercialsScreen.svelte');
export const loadPlanClientSheet = () => import('../components/PlanClientSheet.svelte');

/** Starts loading every screen; failures show up later, where the screen is opened. */
export function preloadScreens(): void {
  for (const load of [loadPlanEditor, loadObjectList, loadReferenceScreen, loadCustomersScreen, loadDiagramView, loadExportScreen, loadCommercialsScreen, loadPlanClientSheet]) {
    load().catch(() => {});
  }
}
